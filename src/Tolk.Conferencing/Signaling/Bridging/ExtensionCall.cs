using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;

namespace Tolk.Conferencing.Signaling.Bridging;

/// <summary>
/// A call between two extensions of one tenant, bridged in signalling only (a B2BUA, RFC 7092 §3.1):
/// the caller's leg ends at Tolk, a new leg per registered contact of the callee starts at Tolk, and
/// the SDP passes through unchanged so that media flows directly between the phones.
/// </summary>
public sealed class ExtensionCall
{
    internal ExtensionCall(TenantInfo tenant, string caller, string callee, SipServerTransaction callerInvite, DateTimeOffset startedAt)
    {
        Tenant = tenant;
        Caller = caller;
        Callee = callee;
        CallerInvite = callerInvite;
        StartedAt = startedAt;
    }

    /// <summary>Our id of the call (both legs).</summary>
    public Guid Id { get; } = Guid.NewGuid();

    public TenantInfo Tenant { get; }

    /// <summary>The authenticated account that placed the call.</summary>
    public string Caller { get; }

    /// <summary>The extension (account username) that was called.</summary>
    public string Callee { get; }

    /// <summary>The Call-ID of the caller's leg.</summary>
    public string CallerCallId => CallerInvite.Request.CallId ?? "";

    /// <summary>The Call-ID of the callee leg that answered, or null while unanswered.</summary>
    public string? CalleeCallId => Winner?.Invite.CallId;

    public DateTimeOffset StartedAt { get; }

    /// <summary>When the callee answered (2xx), or null.</summary>
    public DateTimeOffset? AnsweredAt { get; internal set; }

    public DateTimeOffset? EndedAt { get; internal set; }

    public string? EndReason { get; internal set; }

    /// <summary>The final status the caller received for its INVITE (0 while none).</summary>
    public int FinalStatus { get; internal set; }

    /// <summary>How many contacts of the callee were tried in parallel.</summary>
    public int LegCount => Legs.Count;

    internal Lock Gate { get; } = new();

    internal SipServerTransaction CallerInvite { get; }

    /// <summary>Our To tag towards the caller, shared by every provisional and the final we relay.</summary>
    internal string CallerTag { get; } = SipTransactionLayer.NewTag();

    internal List<CalleeLeg> Legs { get; } = [];

    internal CalleeLeg? Winner { get; set; }

    internal SipDialog? CallerDialog { get; set; }

    internal SipDialog? CalleeDialog { get; set; }

    /// <summary>The ACK last sent to the callee for a 2xx, resent when its 2xx is retransmitted.</summary>
    internal SipRequest? CalleeAck { get; set; }

    internal bool CallerFinalSent { get; set; }

    internal bool Ended { get; set; }

    internal ITimer? RingTimer { get; set; }
}

/// <summary>One forked INVITE towards one registered contact of the callee (RFC 3261 §16.6).</summary>
internal sealed class CalleeLeg(SipBinding binding, SipRequest invite)
{
    public SipBinding Binding { get; } = binding;

    public SipRequest Invite { get; } = invite;

    public SipClientTransaction? Transaction { get; set; }

    public bool GotProvisional { get; set; }

    /// <summary>A CANCEL is wanted but waits for a provisional (RFC 3261 §9.1).</summary>
    public bool CancelRequested { get; set; }

    public bool CancelSent { get; set; }

    /// <summary>The leg received its final response (or lost the race and was torn down).</summary>
    public bool Done { get; set; }

    public SipResponse? Final { get; set; }
}

/// <summary>
/// Receives extension-to-extension calls as they are answered and end (for metering and billing).
/// The server reports to its <see cref="Calls.ICallEventSink"/> when that also implements this.
/// </summary>
public interface IExtensionCallEventSink
{
    /// <summary>The callee answered: both legs are up.</summary>
    void ExtensionCallAnswered(ExtensionCall call);

    /// <summary>The call ended, answered or not (<see cref="ExtensionCall.AnsweredAt"/> tells which).</summary>
    void ExtensionCallEnded(ExtensionCall call);
}
