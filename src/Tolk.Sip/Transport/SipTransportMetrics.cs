using System.Diagnostics.Metrics;

namespace Tolk.Sip.Transport;

/// <summary>Counters of <see cref="SipTransportManager"/>, readable in-process (tests, status pages).</summary>
public sealed class SipTransportStatistics
{
    internal long _messagesReceived;
    internal long _parseErrors;
    internal long _errorResponsesSent;
    internal long _dropped;
    internal long _inboundQueueFull;
    internal long _rateLimited;
    internal long _connectionsRejected;
    internal long _tlsHandshakeFailures;
    internal long _idleClosed;
    internal long _framingErrors;
    internal long _keepAlivePings;
    internal long _sendRejected;
    internal long _udpRequestsMovedToTcp;

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>4xx/5xx answered by the transport itself to unparseable requests.</summary>
    public long ErrorResponsesSent => Interlocked.Read(ref _errorResponsesSent);

    /// <summary>Unparseable messages that could not be answered (responses, ACKs, garbage).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams dropped because the inbound queue was full.</summary>
    public long InboundQueueFull => Interlocked.Read(ref _inboundQueueFull);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Connections refused for the overall or per-address limit.</summary>
    public long ConnectionsRejected => Interlocked.Read(ref _connectionsRejected);

    public long TlsHandshakeFailures => Interlocked.Read(ref _tlsHandshakeFailures);

    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    public long FramingErrors => Interlocked.Read(ref _framingErrors);

    public long KeepAlivePings => Interlocked.Read(ref _keepAlivePings);

    /// <summary>Sends refused because a connection's unsent bytes exceeded the limit.</summary>
    public long SendRejected => Interlocked.Read(ref _sendRejected);

    /// <summary>Requests over 1300 bytes sent over TCP instead of UDP (RFC 3261 §18.1.1).</summary>
    public long UdpRequestsMovedToTcp => Interlocked.Read(ref _udpRequestsMovedToTcp);
}

/// <summary>OpenTelemetry-style instruments (meter "Tolk.Sip.Transport").</summary>
internal sealed class SipTransportMetrics : IDisposable
{
    public const string MeterName = "Tolk.Sip.Transport";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SipTransportMetrics(IMeterFactory? factory)
    {
        if (factory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = factory.Create(MeterName);
        }
        MessagesReceived = _meter.CreateCounter<long>("tolk.sip.messages_received", "{message}", "SIP messages parsed and handed up");
        ParseErrors = _meter.CreateCounter<long>("tolk.sip.parse_errors", "{message}", "Messages that failed to parse or frame");
        Connections = _meter.CreateUpDownCounter<long>("tolk.sip.connections", "{connection}", "Open TCP/TLS connections");
        RateLimited = _meter.CreateCounter<long>("tolk.sip.rate_limited", "{request}", "Requests answered 503 by the rate limiter");
        Dropped = _meter.CreateCounter<long>("tolk.sip.dropped", "{message}", "Messages dropped by the transport");
        TlsHandshakeFailures = _meter.CreateCounter<long>("tolk.sip.tls_handshake_failures", "{handshake}", "TLS handshakes that failed or timed out");
    }

    public Counter<long> MessagesReceived { get; }

    public Counter<long> ParseErrors { get; }

    public UpDownCounter<long> Connections { get; }

    public Counter<long> RateLimited { get; }

    public Counter<long> Dropped { get; }

    public Counter<long> TlsHandshakeFailures { get; }

    public static KeyValuePair<string, object?> Transport(SipTransportKind kind) =>
        new("network.transport", kind.ToViaToken().ToLowerInvariant());

    public static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
