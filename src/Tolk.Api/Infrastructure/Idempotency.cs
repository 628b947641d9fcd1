using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on creating POSTs (draft-ietf-httpapi-idempotency-key-header): the first
/// response is stored in the same transaction as the resource, and a retry with the same key gets the
/// same status and body. The same key with a different body is refused with 422.
/// </summary>
internal static class Idempotency
{
    public const string Header = "Idempotency-Key";

    private static readonly KeyedTurns<(Guid Scope, string Key)> Turns = new();

    /// <summary>
    /// Requests that carry the same key take turns in this process, so a retry sent while the first is still running
    /// waits and replays its response. Without this the loser of the race hits the unique index: handled, but EF Core
    /// logs the failed insert at Error first, and operators alert on that. Servers sharing one PostgreSQL database can
    /// still race; the create's conflict handling covers them. Without a key, holds nothing.
    /// </summary>
    public static ValueTask<KeyedTurns<(Guid Scope, string Key)>.Turn> TakeTurnAsync(Guid scope, string? key, CancellationToken ct) =>
        key is null ? default : Turns.TakeAsync((scope, key), ct);

    /// <summary>The key of this request, or null. Sets <paramref name="error"/> when the key is unusable.</summary>
    public static string? Key(HttpContext http, out IResult? error)
    {
        error = null;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0)
        {
            return null;
        }

        if (key.Length > Limits.Name)
        {
            error = Problems.Field(Header, $"The key must be at most {Limits.Name} characters.");
            return null;
        }

        return key;
    }

    public static string Hash(object request, HttpContext http) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Options(http))));

    public static string Hash(byte[] payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>The stored response for this key, or null when the key is new.</summary>
    public static async Task<IResult?> ReplayAsync(TolkDbContext db, Guid scope, string key, string path, string requestHash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, ct);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash || record.Path != path)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                detail: "This Idempotency-Key was already used for a different request.");
        }

        return new ReplayResult(record);
    }

    /// <summary>
    /// A create that failed validation may have lost a race with the first request of the same key
    /// (which then made, say, the name a duplicate): answer with that request's stored response if there is one.
    /// </summary>
    public static async Task<IResult> ReplayOrAsync(TolkDbContext db, Guid scope, string? key, string path, string requestHash, IResult otherwise, CancellationToken ct) =>
        key is not null && await ReplayAsync(db, scope, key, path, requestHash, ct) is { } replay ? replay : otherwise;

    /// <summary>Adds the record to the unit of work that creates the resource.</summary>
    public static void Record(HttpContext http, TolkDbContext db, Guid scope, string key, string requestHash, int status, object body, string? location)
    {
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            Id = Guid.NewGuid(),
            Scope = scope,
            Key = key,
            Path = http.Request.Path.Value ?? string.Empty,
            RequestHash = requestHash,
            StatusCode = status,
            ResponseBody = JsonSerializer.Serialize(body, body.GetType(), Options(http)),
            Location = location,
            CreatedUtc = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
        });
    }

    private static JsonSerializerOptions Options(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    private sealed class ReplayResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = record.StatusCode;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            if (record.Location is not null)
            {
                httpContext.Response.Headers.Location = record.Location;
            }

            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await httpContext.Response.WriteAsync(record.ResponseBody, httpContext.RequestAborted);
        }
    }
}
