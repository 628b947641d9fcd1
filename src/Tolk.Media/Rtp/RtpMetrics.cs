using System.Diagnostics.Metrics;

namespace Tolk.Media.Rtp;

/// <summary>
/// RTP metrics on the "Tolk.Media" meter. One instance per process (register it as a singleton);
/// sessions given it through <see cref="RtpSessionOptions.Metrics"/> report into it.
/// </summary>
public sealed class RtpMetrics
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "Tolk.Media";

    private readonly Counter<long> _received;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _timeouts;

    /// <param name="meterFactory">The host's meter factory.</param>
    public RtpMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("tolk.rtp.packets_received", "{packet}", "Valid RTP packets delivered to consumers");
        _sent = meter.CreateCounter<long>("tolk.rtp.packets_sent", "{packet}", "RTP packets sent");
        _dropped = meter.CreateCounter<long>("tolk.rtp.packets_dropped", "{packet}",
            "Received packets dropped, by reason (unexpected_source, wrong_ssrc, malformed, srtp_auth, srtp_replay)");
        _timeouts = meter.CreateCounter<long>("tolk.rtp.inactivity_timeouts", "{event}", "Sessions that stopped receiving media");
    }

    internal void Received() => _received.Add(1);

    internal void Sent() => _sent.Add(1);

    internal void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void Timeout() => _timeouts.Add(1);
}
