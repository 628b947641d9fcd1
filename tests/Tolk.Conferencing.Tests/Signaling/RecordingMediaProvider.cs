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
internal sealed class RecordingMediaProvider : ICallMediaProvider
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
}

/// <summary>One call's media: answers offers with the same <see cref="SdpLocalSession"/>, counts Start/Dispose.</summary>
internal sealed class RecordingCallMedia(CallSession call) : ICallMedia, IRoomMovable
{
    private readonly SdpLocalSession _session = new();

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

    public ValueTask<MediaOfferResult> UpdateAsync(SdpSessionDescription offer, CancellationToken cancellationToken)
    {
        Updates.Enqueue(offer);
        return ValueTask.FromResult(Negotiate(offer));
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
