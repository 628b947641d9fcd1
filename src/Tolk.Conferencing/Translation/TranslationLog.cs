using Microsoft.Extensions.Logging;
using Tolk.Speech;
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

        [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Room {Room}: {Participant} ({Language}) has no listener of another language left; its pipeline stopped")]
        public static partial void SpeakerIdle(ILogger logger, string room, string participant, string language);

        [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Room {Room}: {Participant} switched from {From} to {To}")]
        public static partial void LanguageChanged(ILogger logger, string room, string participant, string from, string to);

        [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Room {Room}: emotion alert for {Participant}: {Label} {Score:F2} ≥ {Threshold:F2}")]
        public static partial void EmotionAlert(ILogger logger, string room, string participant, EmotionLabel label, double score, double threshold);

        [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "Room {Room}: the room event sink failed on {EventType}")]
        public static partial void EventSinkFailed(ILogger logger, string room, string eventType, Exception exception);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Room {Room}: announcing to the {Target} listeners that {Participant} is not translated")]
        public static partial void NoticeQueued(ILogger logger, string room, string participant, string target);

        [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Room {Room}: the {Target} notice could not be synthesised")]
        public static partial void NoticeFailed(ILogger logger, string room, string target, Exception exception);
    }
}
