using System.Net;
using Microsoft.Extensions.Logging;

namespace Tolk.Sip.Transport;

/// <summary>Transport log events (ids 1100–1199). Per-message events are Trace only.</summary>
internal static partial class SipTransportLog
{
    [LoggerMessage(1100, LogLevel.Information, "SIP listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, SipEndPoint endPoint);

    [LoggerMessage(1101, LogLevel.Trace, "SIP {Kind} message from {Remote}: {StartLine}")]
    public static partial void Received(ILogger logger, SipTransportKind kind, IPEndPoint remote, string startLine);

    [LoggerMessage(1102, LogLevel.Trace, "Unparseable message from {Remote} ({Status} {Reason})")]
    public static partial void ParseFailed(ILogger logger, SipEndPoint remote, int status, string? reason);

    [LoggerMessage(1103, LogLevel.Trace, "Rate limited {Method} from {Remote}")]
    public static partial void RateLimited(ILogger logger, string method, SipEndPoint remote);

    [LoggerMessage(1104, LogLevel.Debug, "Connection {ConnectionId} opened ({Remote})")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, SipEndPoint remote);

    [LoggerMessage(1105, LogLevel.Debug, "Connection {ConnectionId} closed ({Reason})")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(1106, LogLevel.Debug, "TLS handshake with {Remote} failed: {Error}")]
    public static partial void TlsHandshakeFailed(ILogger logger, IPEndPoint remote, string error);

    [LoggerMessage(1107, LogLevel.Debug, "Connection from {Remote} refused: {Reason}")]
    public static partial void ConnectionRejected(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(1108, LogLevel.Warning, "SIP receive loop on {EndPoint} failed")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, SipEndPoint endPoint);

    [LoggerMessage(1109, LogLevel.Trace, "Inbound queue full, datagram from {Remote} dropped")]
    public static partial void InboundQueueFull(ILogger logger, SipEndPoint remote);

    [LoggerMessage(1110, LogLevel.Debug, "Framing error {Status} on connection {ConnectionId}")]
    public static partial void FramingError(ILogger logger, string connectionId, int status);

    [LoggerMessage(1111, LogLevel.Debug, "Sending to {Remote} failed")]
    public static partial void SendFailed(ILogger logger, Exception exception, SipEndPoint remote);
}
