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

    /// <summary>The customer PBX trunk the call came in on (by source address and TLS certificate), or null.</summary>
    public TrunkInfo? Trunk { get; init; }

    /// <summary>
    /// The P-Asserted-Identity URI (RFC 3325) the trunk sent, or null. Kept only for trunk calls: from anyone else
    /// the header is an unverified claim like From.
    /// </summary>
    public string? AssertedIdentity { get; init; }

    /// <summary>
    /// Who the caller is, as far as the server can vouch for it, for what it remembers about them (the DTMF menu
    /// choice): the authenticated account, else the number a trusted trunk asserts; null for anyone else, whose From
    /// anyone could write.
    /// </summary>
    public string? VouchedCallerKey => Translation.ParticipantLanguages.CallerKey(AuthenticatedUser, VouchedCallerUri);

    /// <summary>
    /// The caller URI the server vouches for: a trunk call's P-Asserted-Identity, else its From; null for a call from
    /// anyone else, whose From is only a claim.
    /// </summary>
    public string? VouchedCallerUri => Trunk is null ? null : AssertedIdentity ?? CallerUri;

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
