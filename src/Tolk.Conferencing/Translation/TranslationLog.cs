using Microsoft.Extensions.Logging;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Room {Room}: {Participant} joined speaking {Language} (tenant {TenantId}, room {RoomId})")]
        public static partial void ParticipantJoined(ILogger logger, string room, string participant, string language, string tenantId, Guid roomId);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Room {Room}: translating {Participant} from {Language} into {Targets}")]
        public static partial void SpeakerTranslating(ILogger logger, string room, string participant, string language, string targets);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Room {Room}: {Participant} ({Language}) is passed through untranslated: {Reason}")]
        public static partial void SpeakerUnavailable(ILogger logger, string room, string participant, string language, string reason);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Room {Room} transcript: {Participant} [{Language}] \"{Text}\" → {Translations}")]
        public static partial void Transcript(ILogger logger, string room, string participant, string language, string text, string translations);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Room {Room}: {Participant} phrase {Phrase} {Stage} {Target} {Milliseconds:F0} ms")]
        public static partial void StageLatency(ILogger logger, string room, string participant, long phrase, PipelineStage stage, string target, double milliseconds);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Room {Room}: translation of {Participant} into {Target} unavailable, original un-ducked: {Reason}")]
        public static partial void TargetUnavailable(ILogger logger, string room, string participant, string target, string reason);

        [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Room {Room}: translation of {Participant} into {Target} recovered")]
        public static partial void TargetRecovered(ILogger logger, string room, string participant, string target);

        [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Room {Room}: {Participant} phrase {Phrase} speech end → first {Target} frame in the mix {Milliseconds:F0} ms")]
        public static partial void MixLatency(ILogger logger, string room, string participant, long phrase, string target, double milliseconds);
    }
}
