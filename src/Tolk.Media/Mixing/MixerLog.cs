using Microsoft.Extensions.Logging;

namespace Tolk.Media.Mixing;

internal static partial class MixerLog
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Room {RoomId}: participant {ParticipantId} joined the mixer")]
    public static partial void ParticipantJoined(ILogger logger, string roomId, string participantId);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Debug, Message = "Room {RoomId}: participant {ParticipantId} left the mixer")]
    public static partial void ParticipantLeft(ILogger logger, string roomId, string participantId);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Trace, Message = "Room {RoomId}: idle from tick {Tick}")]
    public static partial void RoomIdle(ILogger logger, string roomId, long tick);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Debug, Message = "Room {RoomId}: {ParticipantId} speaking = {Speaking}")]
    public static partial void SpeakingChanged(ILogger logger, string roomId, string participantId, bool speaking);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "Room {RoomId}: {What} of {Who} threw (failure #{Count}); the mixer carries on")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string roomId, string who, string what, long count);

    [LoggerMessage(EventId = 3310, Level = LogLevel.Information, Message = "Mixer clock started ({Mode}, period {PeriodMs} ms, socket I/O: {SocketIo})")]
    public static partial void ClockStarted(ILogger logger, string mode, double periodMs, string socketIo);

    [LoggerMessage(EventId = 3314, Level = LogLevel.Warning, Message = "A mixer thread stopped batching socket I/O: {Status}")]
    public static partial void SocketIoBroken(ILogger logger, string status);

    [LoggerMessage(EventId = 3315, Level = LogLevel.Information, Message = "Mixer threads run under the real-time FIFO scheduler at priority {Priority}")]
    public static partial void RealtimeEntered(ILogger logger, int priority);

    [LoggerMessage(EventId = 3316, Level = LogLevel.Warning, Message = "Mixer threads stay on the normal scheduler: real-time priority {Priority} was refused ({Reason})")]
    public static partial void RealtimeRefused(ILogger logger, int priority, string reason);

    [LoggerMessage(EventId = 3311, Level = LogLevel.Debug, Message = "Mixer clock late by {LatenessMs:F2} ms at tick {Tick}")]
    public static partial void LateTick(ILogger logger, double latenessMs, long tick);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Warning, Message = "Mixer clock fell {Behind} ticks behind; skipped {Skipped} ticks")]
    public static partial void SkippedTicks(ILogger logger, long behind, long skipped);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Error, Message = "Mixer room {RoomId} failed a tick")]
    public static partial void RoomTickFailed(ILogger logger, Exception exception, string roomId);
}
