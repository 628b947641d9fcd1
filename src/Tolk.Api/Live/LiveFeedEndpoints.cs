using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Data.Directory;

namespace Tolk.Api.Live;

/// <summary>
/// Marks an endpoint whose credentials may come as the <c>access_token</c> query parameter: browsers'
/// EventSource and WebSocket cannot set headers. Only the live-feed endpoints carry it.
/// </summary>
public sealed class QueryAccessTokenAttribute : Attribute;

/// <summary>Marks a long-lived streaming endpoint (it answers a plain GET with a stream, not a document).</summary>
public sealed class StreamingEndpointAttribute : Attribute;

/// <summary>The live feed of a room: Server-Sent Events and a WebSocket variant with the same JSON messages.</summary>
internal static class LiveFeedEndpoints
{
    public static void Map(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/rooms/{id:guid}/live", ServerSentEventsAsync)
            .RequireAuthorization(Policies.TenantAdmin).WithTags("Rooms").WithName("GetRoomLiveFeed")
            .WithMetadata(new QueryAccessTokenAttribute(), new StreamingEndpointAttribute())
            .WithSummary("Live feed of a room (Server-Sent Events)")
            .WithDescription("text/event-stream of participant, interim, transcript, emotion-alert and translation-state events; " +
                "each has an id, and Last-Event-ID replays recent events. A slow client gets a 'dropped' event with the count it missed. " +
                "Browsers may pass the token as the access_token query parameter.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .AddOpenApiOperationTransformer(DescribeQuery);
        tenant.MapGet("/rooms/{id:guid}/live/ws", WebSocketAsync)
            .RequireAuthorization(Policies.TenantAdmin).WithTags("Rooms").WithName("GetRoomLiveFeedWebSocket")
            .WithMetadata(new QueryAccessTokenAttribute(), new StreamingEndpointAttribute())
            .WithSummary("Live feed of a room (WebSocket)")
            .WithDescription("The same JSON messages as the SSE feed, one per text frame. Resume with the lastEventId query parameter. " +
                "Browsers may pass the token as the access_token query parameter.")
            .AddOpenApiOperationTransformer(DescribeQuery);
    }

    // The two query parameters are read by hand (they are alternatives to headers), so describe them here.
    private static Task DescribeQuery(OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "access_token",
            In = ParameterLocation.Query,
            Description = "A bearer token or API key, for clients that cannot set headers (browsers' EventSource and WebSocket). Live feeds only.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "lastEventId",
            In = ParameterLocation.Query,
            Description = "Replay the room's buffered events after this id (the Last-Event-ID header does the same for SSE).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
        });
        return Task.CompletedTask;
    }

    private static async Task<IResult> ServerSentEventsAsync(HttpContext http, Guid tenantId, Guid id, TenantDirectory directory,
        RoomFeedHub hub, RoomFeedOptions options, TimeProvider time, CancellationToken ct)
    {
        if (directory.FindRoom(tenantId, id) is null)
        {
            return Problems.NotFound();
        }

        // EventSource sends Last-Event-ID on reconnect (WHATWG HTML §9.2); a query parameter serves first connects.
        var last = ParseId(http.Request.Headers["Last-Event-ID"].ToString()) ?? ParseId(http.Request.Query["lastEventId"].ToString());
        using var subscription = hub.Subscribe(tenantId, id, last);
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 3000\n: connected\n\n", ct);
        await response.Body.FlushAsync(ct);
        try
        {
            await PumpAsync(subscription, id, tenantId, directory, StreamCredential.From(http, directory, time), options, time, ct, async (message, token) =>
            {
                var sb = new StringBuilder(message.Json.Length + 48);
                if (message.Id > 0)
                {
                    sb.Append("id: ").Append(message.Id.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                sb.Append("event: ").Append(message.Type).Append('\n');
                // The JSON is one line (no indentation), so one data field carries it.
                sb.Append("data: ").Append(message.Json).Append("\n\n");
                await response.WriteAsync(sb.ToString(), token);
                await response.Body.FlushAsync(token);
            }, async token =>
            {
                await response.WriteAsync(": keep-alive\n\n", token);
                await response.Body.FlushAsync(token);
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }

        return TypedResults.Empty;
    }

    private static async Task<IResult> WebSocketAsync(HttpContext http, Guid tenantId, Guid id, TenantDirectory directory,
        RoomFeedHub hub, RoomFeedOptions options, TimeProvider time, CancellationToken ct)
    {
        if (directory.FindRoom(tenantId, id) is null)
        {
            return Problems.NotFound();
        }

        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Problems.Field("upgrade", "This endpoint needs a WebSocket upgrade request; use …/live for Server-Sent Events.");
        }

        var last = ParseId(http.Request.Query["lastEventId"].ToString());
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var subscription = hub.Subscribe(tenantId, id, last);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Messages from the client are not part of the protocol; reading them notices its close.
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, closed.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Gone.
            }
            finally
            {
                await closed.CancelAsync();
            }
        }, CancellationToken.None);

        try
        {
            await PumpAsync(subscription, id, tenantId, directory, StreamCredential.From(http, directory, time), options, time, closed.Token, (message, token) =>
                socket.SendAsync(Encoding.UTF8.GetBytes(message.Json), WebSocketMessageType.Text, true, token), _ => ValueTask.CompletedTask);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closed by the client or the server shutting down.
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "feed ended", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Best effort.
            }
        }

        await closed.CancelAsync();
        await reader;
        return TypedResults.Empty;
    }

    /// <summary>
    /// Sends the replay, then live events as they come, a <c>dropped</c> notice whenever this subscriber fell
    /// behind, and a keep-alive every few seconds; ends when the room or its tenant is gone or disabled, or the
    /// credential it was opened with has expired or been revoked.
    /// </summary>
    private static async Task PumpAsync(RoomFeedSubscription subscription, Guid roomId, Guid tenantId, ITenantDirectory directory,
        StreamCredential credential, RoomFeedOptions options, TimeProvider time, CancellationToken ct,
        Func<RoomFeedMessage, CancellationToken, Task> send, Func<CancellationToken, ValueTask> keepAlive)
    {
        foreach (var message in subscription.Replay)
        {
            await send(message, ct);
        }

        var interval = TimeSpan.FromSeconds(Math.Max(1, options.KeepAliveSeconds));
        while (!ct.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var timer = time.CreateTimer(_ => wait.Cancel(), null, interval, Timeout.InfiniteTimeSpan);
            bool more;
            try
            {
                more = await subscription.Reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Keep-alive tick: the tenant may have been disabled, the room deleted, the token expired meanwhile.
                if (directory.FindTenant(tenantId) is not { Enabled: true } || directory.FindRoom(tenantId, roomId) is null || !credential.IsValid())
                {
                    return;
                }

                await keepAlive(ct);
                continue;
            }

            if (!more)
            {
                return;
            }

            while (subscription.Reader.TryRead(out var message))
            {
                // Read first, then ask about drops: the channel drops on write, so this count covers the gap
                // before the message just read.
                if (subscription.TakeDropped() is > 0 and var dropped)
                {
                    await send(RoomFeedHub.DroppedNotice(roomId, dropped, time.GetUtcNow()), ct);
                }

                await send(message, ct);
            }
        }
    }

    private static long? ParseId(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
