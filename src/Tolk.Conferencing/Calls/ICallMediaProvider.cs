using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Calls;

/// <summary>Opens the media of a call: answers its SDP offer and starts RTP.</summary>
public interface ICallMediaProvider
{
    /// <summary>Answers the offer of a new call, or rejects it (488 for no common codec, SRTP required…).</summary>
    ValueTask<MediaOfferResult> AcceptOfferAsync(CallSession call, SdpSessionDescription offer, CancellationToken cancellationToken);
}

/// <summary>The media of one established call.</summary>
public interface ICallMedia : IAsyncDisposable
{
    /// <summary>A new offer inside the dialog (re-INVITE or UPDATE: hold, resume, codec change).</summary>
    ValueTask<MediaOfferResult> UpdateAsync(SdpSessionDescription offer, CancellationToken cancellationToken);

    /// <summary>The current local description, sent again when a re-INVITE carries no offer.</summary>
    SdpSessionDescription LocalDescription { get; }

    /// <summary>Raised when the media died (RTP inactivity timeout): the call is ended with BYE.</summary>
    event Action<ICallMedia, string>? Failed;

    /// <summary>Starts sending and receiving as the 2xx goes out: callers send media before their ACK arrives.</summary>
    void Start();
}

/// <summary>The outcome of an offer: an answer and the media, or a SIP status to reject with.</summary>
public sealed record MediaOfferResult(SdpSessionDescription? Answer, ICallMedia? Media, int StatusCode, string? Reason)
{
    public bool IsAccepted => Answer is not null;

    public static MediaOfferResult Accept(SdpSessionDescription answer, ICallMedia media) => new(answer, media, 200, null);

    public static MediaOfferResult Reject(int status, string? reason) => new(null, null, status, reason);
}
