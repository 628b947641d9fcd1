using System.Collections.Concurrent;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// A media provider that negotiates for real (<see cref="SdpAnswerer"/> on a fixed RTP port) without
/// opening sockets, and records what the core asks of it.
/// </summary>
internal sealed class RecordingMediaProvider : ICallMediaProvider, ILateOfferMediaProvider
{
    public const int RtpPort = 41000;

    /// <summary>When set, offers wait for it (a slow media layer): the INVITE stays pending.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>The token the core passed with the last offer.</summary>
    public CancellationToken LastToken { get; private set; }

    public ConcurrentQueue<RecordingCallMedia> Created { get; } = new();

    public int Offers;

    /// <summary>Offers that got past <see cref="Gate"/> (or failed there).</summary>
    public int GatePassed;

    public async ValueTask<MediaOfferResult> AcceptOfferAsync(CallSession call, SdpSessionDescription offer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Offers);
        LastToken = cancellationToken;
        if (Gate is { } gate)
        {
            try
            {
                // Deliberately deaf to the token: the core must cope with media that cannot be interrupted.
                await gate.Task;
            }
            finally
            {
                Interlocked.Increment(ref GatePassed);
            }
        }
        var media = new RecordingCallMedia(call);
        var result = media.Negotiate(offer);
        if (result.IsAccepted)
        {
            Created.Enqueue(media);
        }
        return result;
    }

    /// <summary>A late offer made with the real <see cref="SdpOfferer"/> (SRTP per transport, as the conference media does).</summary>
    public ValueTask<MediaOfferResult> CreateOfferAsync(CallSession call, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Offers);
        var media = new RecordingCallMedia(call);
        var offer = media.MakeOffer();
        Created.Enqueue(media);
        return ValueTask.FromResult(MediaOfferResult.Accept(offer, media));
    }
}

/// <summary>One call's media: answers offers with the same <see cref="SdpLocalSession"/>, counts Start/Dispose.</summary>
internal sealed class RecordingCallMedia(CallSession call) : ILateOfferMedia, IRoomMovable
{
    private readonly SdpLocalSession _session = new();
    private SdpOffer? _offer;
    private SdpMediaPolicy? _offerPolicy;

    /// <summary>When set, re-INVITE/UPDATE offers wait for it (a modification still in progress).</summary>
    public TaskCompletionSource? UpdateGate { get; set; }

    /// <summary>What an applied late answer negotiated (null until one was accepted).</summary>
    public NegotiatedMedia? AppliedAnswer { get; private set; }

    public int AnswersTried;

    public CallSession Call { get; } = call;

    public int Starts;

    public int Disposals;

    public ConcurrentQueue<SdpSessionDescription> Updates { get; } = new();

    public ConcurrentQueue<RoomInfo> Moves { get; } = new();

    public SdpSessionDescription LocalDescription { get; private set; } = new();

    public event Action<ICallMedia, string>? Failed;

    public MediaOfferResult Negotiate(SdpSessionDescription offer)
    {
        var policy = new SdpMediaPolicy { LocalAddress = Call.MediaAddress, LocalRtpPort = RecordingMediaProvider.RtpPort };
        var result = SdpAnswerer.Answer(offer, policy, _session);
        if (!result.IsAccepted)
        {
            return MediaOfferResult.Reject(result.StatusCode, result.Detail ?? result.ReasonPhrase);
        }
        LocalDescription = result.Answer!;
        return MediaOfferResult.Accept(result.Answer!, this);
    }

    public async ValueTask<MediaOfferResult> UpdateAsync(SdpSessionDescription offer, CancellationToken cancellationToken)
    {
        Updates.Enqueue(offer);
        if (UpdateGate is { } gate)
        {
            await gate.Task;
        }
        return Negotiate(offer);
    }

    public SdpSessionDescription MakeOffer()
    {
        _offerPolicy = new SdpMediaPolicy
        {
            LocalAddress = Call.MediaAddress,
            LocalRtpPort = RecordingMediaProvider.RtpPort,
            Srtp = Call.Room.RequireSrtp || Call.Remote.Transport == Tolk.Sip.Transport.SipTransportKind.Tls ? SrtpPolicy.Required : SrtpPolicy.Forbidden,
        };
        _offer = SdpOfferer.CreateOffer(_offerPolicy, _session);
        LocalDescription = _offer.Description;
        return LocalDescription;
    }

    public ValueTask<MediaOfferResult> ApplyAnswerAsync(SdpSessionDescription answer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref AnswersTried);
        if (_offer is null || _offerPolicy is null)
        {
            return ValueTask.FromResult(MediaOfferResult.Reject(491, "no offer outstanding"));
        }
        var result = SdpOfferer.ProcessAnswer(_offer, answer, _offerPolicy);
        if (!result.IsAccepted)
        {
            return ValueTask.FromResult(MediaOfferResult.Reject(488, result.Detail));
        }
        AppliedAnswer = result.Media;
        _offer = null;
        return ValueTask.FromResult(MediaOfferResult.Accept(LocalDescription, this));
    }

    public void Start() => Interlocked.Increment(ref Starts);

    public void MoveTo(RoomInfo room) => Moves.Enqueue(room);

    public void Fail(string reason) => Failed?.Invoke(this, reason);

    public ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref Disposals);
        return ValueTask.CompletedTask;
    }
}
