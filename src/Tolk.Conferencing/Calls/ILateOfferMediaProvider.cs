using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Calls;

/// <summary>
/// A media provider that can answer an INVITE without SDP (RFC 3261 §13.2.1, RFC 3264 §5): it makes the
/// offer for our 2xx, and the caller's answer arrives in the ACK.
/// </summary>
public interface ILateOfferMediaProvider
{
    /// <summary>
    /// Opens media for a new call and makes our offer: every codec we support plus telephone-event, with
    /// SDES keys (RFC 4568) when the room requires SRTP or the call came over TLS. An accepted result's
    /// <see cref="MediaOfferResult.Answer"/> is that offer (the body of our 2xx); its media is an
    /// <see cref="ILateOfferMedia"/>.
    /// </summary>
    ValueTask<MediaOfferResult> CreateOfferAsync(CallSession call, CancellationToken cancellationToken);
}

/// <summary>The media of a call whose offer we made: it runs once the answer has been applied.</summary>
public interface ILateOfferMedia : ICallMedia
{
    /// <summary>
    /// Applies the answer from the ACK to our offer and starts RTP towards the address it names. A
    /// rejected result (unusable answer) says why in <see cref="MediaOfferResult.Reason"/>: the call
    /// must then be ended with BYE (RFC 3261 §13.2.2.4 applies the same rule to a UAC).
    /// </summary>
    ValueTask<MediaOfferResult> ApplyAnswerAsync(SdpSessionDescription answer, CancellationToken cancellationToken);
}
