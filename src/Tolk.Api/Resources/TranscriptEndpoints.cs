using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>One stored utterance of a room's transcript.</summary>
public sealed record TranscriptUtteranceDto(
    long Id,
    DateTime Timestamp,
    string ParticipantId,
    string Language,
    string Text,
    IReadOnlyDictionary<string, string> Translations,
    EmotionDto? Emotion,
    DateTime SpeechStart,
    DateTime SpeechEnd);

internal static partial class TenantEndpoints
{
    private static async Task<IResult> GetRoomTranscriptAsync(Guid tenantId, Guid id, int? page, int? pageSize, DateTime? from, DateTime? to,
        ITenantDirectory directory, TolkDbContext db, CancellationToken ct)
    {
        if (directory.FindRoom(tenantId, id) is null)
        {
            return Problems.NotFound();
        }

        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        var start = from?.ToUniversalTime();
        var end = to?.ToUniversalTime();
        if (start is { } a && end is { } b && a >= b)
        {
            v.Add("from", "'from' must be before 'to'.");
        }

        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        // The global query filter confines this to the route's tenant; the room id narrows it further.
        var query = db.Transcripts.AsNoTracking().Where(t => t.RoomId == id);
        if (start is { } f)
        {
            query = query.Where(t => t.TimestampUtc >= f);
        }

        if (end is { } e)
        {
            query = query.Where(t => t.TimestampUtc < e);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(t => t.TimestampUtc).ThenBy(t => t.Id).Skip((p - 1) * s).Take(s).ToListAsync(ct);
        return TypedResults.Ok(new PageOf<TranscriptUtteranceDto>(rows.Select(ToDto).ToList(), p, s, total));
    }

    private static TranscriptUtteranceDto ToDto(TranscriptUtterance t) =>
        new(t.Id, Utc(t.TimestampUtc), t.ParticipantId, t.Language, t.Text, t.Translations,
            t.Emotion is null ? null : new EmotionDto(t.Emotion, t.EmotionValence ?? 0, t.EmotionArousal ?? 0, t.EmotionConfidence ?? 0),
            Utc(t.SpeechStartUtc), Utc(t.SpeechEndUtc));

    // SQLite hands DateTimes back without a kind; they were stored as UTC.
    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
