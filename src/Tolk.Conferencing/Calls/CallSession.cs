using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Calls;

/// <summary>One caller's leg into a room: its tenant, room, dialog, media and timing.</summary>
public sealed class CallSession
{
    public CallSession(TenantInfo tenant, RoomInfo room, string callerUri, string? authenticatedUser, SipEndPoint remote, DateTimeOffset startedAt)
    {
        Tenant = tenant;
        Room = room;
        CallerUri = callerUri;
        AuthenticatedUser = authenticatedUser;
        Remote = remote;
        StartedAt = startedAt;
    }

    public Guid Id { get; } = Guid.NewGuid();

    public TenantInfo Tenant { get; }

    public RoomInfo Room { get; set; }

    public string CallerUri { get; }

    public string? AuthenticatedUser { get; }

    /// <summary>
    /// The language the caller picked from the DTMF language menu, in an earlier call (looked up as the call is
    /// answered) or in this one; null when none is known. Rooms that offer it start the caller in it.
    /// </summary>
    public string? RememberedLanguage { get; set; }

    public SipEndPoint Remote { get; }

    /// <summary>The local address media should use (the one the caller reached us on).</summary>
    public System.Net.IPAddress MediaAddress { get; set; } = System.Net.IPAddress.Loopback;

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? ConnectedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? EndReason { get; set; }

    public SipDialog? Dialog { get; set; }

    public ICallMedia? Media { get; set; }

    /// <summary>Negotiated session interval (RFC 4028), or null when no session timer runs.</summary>
    public TimeSpan? SessionInterval { get; set; }

    /// <summary>True when the UAS (we) must refresh the session.</summary>
    public bool WeRefresh { get; set; }

    internal ITimer? SessionTimer { get; set; }

    /// <summary>True while our late offer (in the 2xx) waits for the caller's answer in the ACK.</summary>
    internal bool AwaitingAnswer { get; set; }

    /// <summary>1 while a re-INVITE or UPDATE of the caller is being processed (RFC 3261 §14.2, RFC 3311 §5.2).</summary>
    internal int ModificationInProgress;

    /// <summary>
    /// True while an offer of ours in this dialog waits for its answer, so a new offer from the caller is
    /// glare (491). Today that is a late offer awaiting the ACK: room calls send no re-INVITE, and our
    /// UPDATE session refreshes carry no offer.
    /// </summary>
    internal bool OfferInProgress => AwaitingAnswer;
}
