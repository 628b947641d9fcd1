namespace Tolk.Sip.Transactions;

/// <summary>The timer base values of RFC 3261 §17 / Table 4.</summary>
public sealed record SipTimerSettings
{
    public static SipTimerSettings Default { get; } = new();

    /// <summary>RTT estimate; the start of every retransmission interval.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on the retransmission interval of non-INVITE requests and INVITE responses.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a message may stay in the network.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timer B, F, H, J, L, M: 64·T1.</summary>
    public TimeSpan TransactionTimeout => T1 * 64;

    /// <summary>Timer D: wait for response retransmissions after a non-2xx final (≥ 32 s over UDP).</summary>
    public TimeSpan TimerD { get; init; } = TimeSpan.FromSeconds(32);
}
