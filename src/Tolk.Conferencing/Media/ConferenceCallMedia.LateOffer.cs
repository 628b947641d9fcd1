using Tolk.Conferencing.Calls;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Media;

/// <summary>Late offer (RFC 3264 §5): we offer in the 2xx, the caller answers in the ACK.</summary>
internal sealed partial class ConferenceCallMedia : ILateOfferMedia
{
    private SdpOffer? _lateOffer;
    private SdpMediaPolicy? _lateOfferPolicy;
    // The offered port pair, bound until the answer's session binds it (RtpPortPlaceholder says why).
    private RtpPortPlaceholder? _placeholder;

    /// <summary>Makes our offer; the mixer membership starts with <see cref="Start"/>, RTP with the answer.</summary>
    public async ValueTask<SdpSessionDescription> CreateOfferAsync()
    {
        await _negotiation.WaitAsync();
        try
        {
            var policy = _owner.Policy(_call, _local);
            // SDES keys travel in the signalling: offer them where the signalling is encrypted (TLS) or the
            // room insists on SRTP; over plain UDP/TCP they would protect nothing (RFC 4568 §8.3).
            var srtp = _call.Room.RequireSrtp || _call.Remote.Transport == SipTransportKind.Tls ? SrtpPolicy.Required : SrtpPolicy.Forbidden;
            _lateOfferPolicy = new SdpMediaPolicy
            {
                LocalAddress = policy.LocalAddress,
                LocalRtpPort = policy.LocalRtpPort,
                Codecs = policy.Codecs,
                Srtp = srtp,
                CryptoSuites = policy.CryptoSuites,
                RtcpMux = policy.RtcpMux,
                SessionName = policy.SessionName,
            };
            _lateOffer = SdpOfferer.CreateOffer(_lateOfferPolicy, _sdpSession);
            LocalDescription = _lateOffer.Description;
            return LocalDescription;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    public async ValueTask<MediaOfferResult> ApplyAnswerAsync(SdpSessionDescription answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        try
        {
            await _negotiation.WaitAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            return MediaOfferResult.Reject(481, "the call has ended");
        }
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return MediaOfferResult.Reject(481, "the call has ended");
            }
            if (_lateOffer is not { } offer || _lateOfferPolicy is not { } policy)
            {
                return MediaOfferResult.Reject(491, "no offer of ours is waiting for an answer");
            }
            var result = SdpOfferer.ProcessAnswer(offer, answer, policy);
            if (!result.IsAccepted)
            {
                return MediaOfferResult.Reject(488, result.Detail ?? result.ReasonPhrase ?? "unacceptable SDP answer");
            }
            _lateOffer = null;
            Interlocked.Exchange(ref _placeholder, null)?.Dispose();
            var pipeline = BuildPipeline(result.Media!);
            lock (_pipelineGate)
            {
                _pipeline = pipeline;
            }
            if (_participant is not null)
            {
                pipeline.Session.Start();
            }
            return MediaOfferResult.Accept(LocalDescription, this);
        }
        finally
        {
            _negotiation.Release();
        }
    }
}
