using System.Buffers;
using System.Security.Cryptography;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>
    /// What every transport does with a parse result: answer or drop failures, stamp Via (RFC 3261
    /// §18.2.1), apply the rate limiter, then queue the message for the transaction layer.
    /// </summary>
    private async ValueTask HandleParsedAsync(SipParseResult result, SipEndPoint remote, SipEndPoint local, SipStreamConnection? connection)
    {
        var transportTag = SipTransportMetrics.Transport(remote.Transport);
        if (!result.IsValid)
        {
            Interlocked.Increment(ref Statistics._parseErrors);
            _metrics.ParseErrors.Add(1, transportTag);
            SipTransportLog.ParseFailed(_logger, remote, result.ErrorStatus, result.ErrorReason);
            if (result.ErrorStatus >= 400 && result.Message is SipRequest bad && CanAnswer(bad))
            {
                var response = SipResponse.CreateFor(bad, result.ErrorStatus, toTag: NewTag());
                await ReplyDirectAsync(response, bad, remote, local, connection);
                Interlocked.Increment(ref Statistics._errorResponsesSent);
            }
            else
            {
                // Responses, ACKs and requests too broken to answer are dropped (RFC 3261 §18.1.2, §17.2.3).
                Interlocked.Increment(ref Statistics._dropped);
                _metrics.Dropped.Add(1, transportTag, SipTransportMetrics.Reason("unparseable"));
            }
            return;
        }

        var message = result.Message!;
        if (message is SipRequest request)
        {
            if (!SipResponseRouting.StampReceived(request, remote.EndPoint))
            {
                Interlocked.Increment(ref Statistics._dropped);
                _metrics.Dropped.Add(1, transportTag, SipTransportMetrics.Reason("no via"));
                return;
            }
            if (IsRateLimited(request, remote))
            {
                Interlocked.Increment(ref Statistics._rateLimited);
                _metrics.RateLimited.Add(1, transportTag);
                SipTransportLog.RateLimited(_logger, request.Method, remote);
                var busy = SipResponse.CreateFor(request, 503, toTag: NewTag());
                busy.Headers.Add(SipHeaderNames.RetryAfter, _options.RateLimit.RetryAfterText);
                await ReplyDirectAsync(busy, request, remote, local, connection);
                return;
            }
        }

        Interlocked.Increment(ref Statistics._messagesReceived);
        _metrics.MessagesReceived.Add(1, transportTag);
        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Trace))
        {
            SipTransportLog.Received(_logger, remote.Transport, remote.EndPoint, StartLine(message));
        }
        var inbound = new SipInboundMessage(message, remote, local, connection?.Id, connection?.TlsServerName, connection?.PeerCertificate, connection?.PeerCertificateTrusted ?? false);
        if (connection is null)
        {
            // UDP: never block the socket loop; a full queue drops the datagram (the peer retransmits).
            if (!_inbound.Writer.TryWrite(inbound))
            {
                Interlocked.Increment(ref Statistics._inboundQueueFull);
                _metrics.Dropped.Add(1, transportTag, SipTransportMetrics.Reason("queue full"));
                SipTransportLog.InboundQueueFull(_logger, remote);
            }
        }
        else
        {
            // Streams: wait, which stops reading the socket and pushes back on the peer through TCP.
            try
            {
                await _inbound.Writer.WriteAsync(inbound, connection.Closed);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
            }
        }
    }

    /// <summary>A frame cut from a stream: parse it (copying only if it spans pipe segments).</summary>
    internal async ValueTask OnFrameAsync(SipStreamConnection connection, ReadOnlySequence<byte> frame)
    {
        SipParseResult result;
        if (frame.IsSingleSegment)
        {
            result = SipParser.Parse(frame.FirstSpan, _options.ParserLimits, isStream: true);
        }
        else
        {
            var length = (int)frame.Length;
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                frame.CopyTo(rented);
                result = SipParser.Parse(rented.AsSpan(0, length), _options.ParserLimits, isStream: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        await HandleParsedAsync(result, connection.Remote, connection.Local, connection);
    }

    /// <summary>
    /// The stream cannot be framed (RFC 3261 §18.3: no usable Content-Length, or too large). Answer the
    /// request whose head is readable with the framer's status (400/513); the caller then closes.
    /// </summary>
    internal async ValueTask OnFramingErrorAsync(SipStreamConnection connection, ReadOnlySequence<byte> buffer, int status)
    {
        Interlocked.Increment(ref Statistics._framingErrors);
        Interlocked.Increment(ref Statistics._parseErrors);
        _metrics.ParseErrors.Add(1, SipTransportMetrics.Transport(connection.Kind));
        SipTransportLog.FramingError(_logger, connection.Id, status);
        if (status < 400)
        {
            return;
        }
        var take = (int)Math.Min(buffer.Length, _options.ParserLimits.MaxHeadBytes + 4L);
        var rented = ArrayPool<byte>.Shared.Rent(take);
        SipRequest? request = null;
        try
        {
            buffer.Slice(0, take).CopyTo(rented);
            var span = rented.AsSpan(0, take);
            var end = span.IndexOf("\r\n\r\n"u8);
            if (end > 0)
            {
                request = SipParser.Parse(span[..(end + 4)], _options.ParserLimits, isStream: false).Message as SipRequest;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        if (request is not null && CanAnswer(request))
        {
            await ReplyDirectAsync(SipResponse.CreateFor(request, status, toTag: NewTag()), request, connection.Remote, connection.Local, connection);
            Interlocked.Increment(ref Statistics._errorResponsesSent);
        }
    }

    private bool IsRateLimited(SipRequest request, SipEndPoint remote)
    {
        var limits = _options.RateLimit;
        if (!limits.Enabled || !limits.LimitedMethods.Contains(request.Method))
        {
            return false;
        }
        // In-dialog requests (To tag present) keep established calls working during a flood.
        if (request.To?.Tag is not null || limits.Exempt?.Invoke(remote) == true)
        {
            return false;
        }
        return !_rateLimiter.TryAcquire(remote.EndPoint.Address);
    }

    /// <summary>A request can be answered statelessly if it is not an ACK and has what §8.2.6.2 copies.</summary>
    private static bool CanAnswer(SipRequest request) =>
        request.Method != SipMethods.Ack
        && request.TopVia is not null
        && request.Headers.Contains(SipHeaderNames.From)
        && request.Headers.Contains(SipHeaderNames.To)
        && request.Headers.Contains(SipHeaderNames.CallId)
        && request.CSeq is not null;

    private async ValueTask ReplyDirectAsync(SipResponse response, SipRequest request, SipEndPoint remote, SipEndPoint local, SipStreamConnection? connection)
    {
        try
        {
            if (connection is not null)
            {
                await connection.SendAsync(response.ToBytes(), connection.Closed);
                return;
            }
            var origin = new SipInboundMessage(request, remote, local);
            var destination = request.TopVia is { } via ? SipResponseRouting.ResolveResponseDestination(via, origin) : null;
            await SendUdpAsync(response.ToBytes(), destination?.Remote ?? remote, _stopping.Token);
        }
        catch (Exception ex) when (ex is SipTransportException or OperationCanceledException)
        {
            SipTransportLog.SendFailed(_logger, ex, remote);
        }
    }

    private static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static string StartLine(SipMessage message) => message switch
    {
        SipRequest r => r.Method + " " + r.RequestUri,
        SipResponse s => s.StatusCode + " " + s.ReasonPhrase,
        _ => message.GetType().Name,
    };
}
