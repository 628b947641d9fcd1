using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tolk.Api.Tests.Infrastructure;

public sealed record Reply(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Message)
{
    public string Id => Json.GetProperty("id").GetString()!;

    /// <summary>Field names of an RFC 9457 validation problem.</summary>
    public IReadOnlyList<string> ErrorFields =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("errors", out var e)
            ? e.EnumerateObject().Select(p => p.Name).ToList()
            : [];
}

public static class Http
{
    public static async Task<Reply> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = body is HttpContent content ? content : JsonContent.Create(body, body.GetType());
        }

        configure?.Invoke(request);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false)
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return new Reply(response.StatusCode, json, response);
    }

    public static Task<Reply> GetJsonAsync(this HttpClient client, string url) => client.SendAsync(HttpMethod.Get, url);

    public static Task<Reply> PostJsonAsync(this HttpClient client, string url, object body, string? idempotencyKey = null) =>
        client.SendAsync(HttpMethod.Post, url, body, r =>
        {
            if (idempotencyKey is not null)
            {
                r.Headers.Add("Idempotency-Key", idempotencyKey);
            }
        });

    public static Task<Reply> PutJsonAsync(this HttpClient client, string url, object body, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Put, url, body, r =>
        {
            if (ifMatch is not null)
            {
                r.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
        });
}
