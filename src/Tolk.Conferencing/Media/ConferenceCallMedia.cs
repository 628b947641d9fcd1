using System.Net;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Codecs;
using Tolk.Media.Dtmf;
using Tolk.Media.Jitter;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Media.Srtp;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Media;

/// <summary>
/// One caller's media in a conference: RTP/SRTP in → jitter buffer + decoder → the room's mixer;
/// the caller's personal mix → encoder → RTP/SRTP out. A new offer (hold, resume, codec or key
/// change) rebuilds the RTP pipeline on the same port while the mixer membership stays.
/// </summary>
internal sealed partial class ConferenceCallMedia : ICallMedia, IRoomMovable, IRtpFedSource, IAudioFrameSink
{
    private readonly ConferenceMediaProvider _owner;
    private readonly CallSession _call;
    private readonly IPEndPoint _local;
    private readonly SdpLocalSession _sdpSession = new();
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private readonly byte[] _payload = new byte[1500];
    private volatile Pipeline? _pipeline;

    // The mixer thread may still be inside TryRead/Write for one tick after the participant left;
    // native codec state must not be freed under it (libopus asserts on a destroyed encoder).
    private readonly Lock _pipelineGate = new();

    // Joining and leaving rooms (start, PIN admission, transfer, hang-up) arrive from different SIP
    // transactions and can race — a BYE right behind the ACK. One lock orders them so a hang-up never
    // leaves a participant behind in a room.
    private readonly Lock _membership = new();
    private MixerParticipant? _participant;
    private int _disposed;

    // What the media legs before the current one received (a re-offer that changes codec, address or keys starts a
    // new jitter buffer); written under _negotiation.
    private JitterBufferStats? _earlierLegs;
    private int _legs;

    public ConferenceCallMedia(ConferenceMediaProvider owner, CallSession call, IPEndPoint local, RtpPortPlaceholder? placeholder = null)
    {
        _owner = owner;
        _call = call;
        _local = local;
        _placeholder = placeholder;
    }

    public SdpSessionDescription LocalDescription { get; private set; } = new();

    public event Action<ICallMedia, string>? Failed;

    /// <summary>The participant in the mixer (null before <see cref="Start"/>).</summary>
    public MixerParticipant? Participant => _participant;

    public NegotiatedMedia? Negotiated => _pipeline?.Media;

    /// <summary>What the call has received so far, summed over every media leg (null before the first answer).</summary>
    public JitterBufferStats? ReceiveStats => Combined(_earlierLegs, _pipeline?.Jitter.Stats);

    private static JitterBufferStats? Combined(JitterBufferStats? earlier, JitterBufferStats? current) =>
        (earlier, current) switch
        {
            ({ } e, { } c) => e.FollowedBy(c),
            _ => current ?? earlier,
        };

    /// <summary>The packet loss the Opus personal mix is encoded against (null for other codecs or before media).</summary>
    internal int? OpusExpectedLossPercent => _pipeline?.Fec?.ExpectedLossPercent;

    public async ValueTask<MediaOfferResult> NegotiateAsync(SdpSessionDescription offer)
    {
        await _negotiation.WaitAsync();
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return MediaOfferResult.Reject(500, "The call's media has been released");
            }
            var result = SdpAnswerer.Answer(offer, _owner.Policy(_call, _local), _sdpSession);
            if (!result.IsAccepted)
            {
                return MediaOfferResult.Reject(result.StatusCode, result.Detail ?? result.ReasonPhrase);
            }
            var media = result.Media!;
            var old = _pipeline;
            if (old is not null && old.Media.Codec == media.Codec && Equals(old.Media.RemoteRtp, media.RemoteRtp) && Equals(old.Media.Srtp?.RemoteKey, media.Srtp?.RemoteKey) && old.Media.Srtp is null == media.Srtp is null)
            {
                // Only direction changed (hold/resume): keep RTP running.
                old.Media = media;
            }
            else
            {
                lock (_pipelineGate)
                {
                    _pipeline = null;
                }
                if (old is not null)
                {
                    _earlierLegs = Combined(_earlierLegs, old.Jitter.Stats);
                    await old.DisposeAsync();
                }
                var pipeline = BuildPipeline(media);
                lock (_membership)
                {
                    _pipeline = pipeline;
                    if (_participant is not null)
                    {
                        pipeline.Session.Start();
                    }
                }
            }
            LocalDescription = result.Answer!;
            return MediaOfferResult.Accept(result.Answer!, this);
        }
        finally
        {
            _negotiation.Release();
        }
    }

    public ValueTask<MediaOfferResult> UpdateAsync(SdpSessionDescription offer, CancellationToken cancellationToken) => NegotiateAsync(offer);

    private Pipeline BuildPipeline(NegotiatedMedia media)
    {
        _legs++;
        var codec = media.Codec;
        if (!_owner.Codecs.TryCreateDecoder(codec.Name, codec.ClockRate, out var decoder) || !_owner.Codecs.TryCreateEncoder(codec.Name, codec.ClockRate, out var encoder))
        {
            throw new InvalidOperationException($"Codec {codec.Name}/{codec.ClockRate} was negotiated but is not available.");
        }
        SrtpContext? inbound = null, outbound = null;
        if (media.Srtp is { } srtp)
        {
            if (!SrtpProfiles.TryParse(srtp.Suite, out var profile))
            {
                throw new InvalidOperationException($"SRTP suite {srtp.Suite} was negotiated but is not available.");
            }
            inbound = SrtpContext.CreateInbound(profile, srtp.RemoteMasterKeySalt);
            outbound = SrtpContext.CreateOutbound(profile, srtp.LocalMasterKeySalt);
        }
        var pipeline = new Pipeline(
            media,
            decoder!,
            new JitterBuffer(decoder!, _owner.Time, resamplerQuality: _owner.Options.ResamplerQuality),
            new AudioFrameEncoder(encoder!, resamplerQuality: _owner.Options.ResamplerQuality),
            encoder is OpusEncoder opus ? new LossAdaptiveFec(opus, opus.PacketLossPercent) : null,
            new TelephoneEventReceiver(8000),
            inbound,
            outbound);
        var options = new RtpSessionOptions
        {
            LocalEndPoint = _local,
            RemoteEndPoint = media.RemoteRtp.Address.Equals(IPAddress.Any) ? null : media.RemoteRtp,
            RemoteRtcpEndPoint = media.RemoteRtcp,
            RtcpMux = media.RtcpMux,
            Latching = true,
            ClockRate = codec.ClockRate,
            InactivityTimeout = _owner.Options.RtpInactivityTimeout,
            SrtpInbound = inbound,
            SrtpOutbound = outbound,
            // The mixer drains the socket right before it needs the caller's frame (TryRead): no async
            // completion per packet. An idle socket is watched so that a dormant room wakes up.
            ReceiveMode = RtpReceiveMode.Polled,
        };
        pipeline.Session = new RtpSession(options, (s, p) => OnRtp(pipeline, p), _owner.Time, _owner.Logger<RtpSession>());
        pipeline.Session.DataAvailable += (_, _) => _participant?.NotifyInputAvailable();
        if (pipeline.Fec is { } fec)
        {
            // The encoder runs on the mixer thread under the pipeline lock; its settings change under it too.
            pipeline.Session.ReportReceived += (_, report) =>
            {
                lock (_pipelineGate)
                {
                    if (_pipeline == pipeline) // not after a re-offer or hang-up disposed its encoder
                    {
                        fec.OnReport(report.FractionLost);
                    }
                }
            };
        }
        pipeline.Session.InactivityTimeout += (_, _) =>
        {
            // A held call may legitimately send nothing.
            if (!pipeline.Media.IsHeld && _pipeline == pipeline)
            {
                Failed?.Invoke(this, "RTP inactivity timeout");
            }
        };
        return pipeline;
    }

    private void OnRtp(Pipeline pipeline, RtpPacket packet)
    {
        if (packet.PayloadType == pipeline.Media.Codec.PayloadType)
        {
            // A packet may still be in flight while the call is torn down: never touch a pipeline
            // that has been replaced or released.
            lock (_pipelineGate)
            {
                if (_pipeline != pipeline)
                {
                    return;
                }
                pipeline.Jitter.Push(packet.SequenceNumber, packet.Timestamp, packet.Payload);
            }
            _participant?.NotifyInputAvailable();
        }
        else if (packet.PayloadType == pipeline.Media.TelephoneEventPayloadType)
        {
            OnTelephoneEvent(pipeline, packet.Timestamp, packet.Payload);
        }
    }

    public void Start()
    {
        lock (_membership)
        {
            if (_participant is not null || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            if (!string.IsNullOrEmpty(_call.Room.Pin))
            {
                EnterLobby();
            }
            else
            {
                _participant = _owner.Rooms.Join(RoomKey(_call.Room), _call.Id.ToString("N"), this, this);
                JoinTranslation(_call.Room);
            }
            _pipeline?.Session.Start();
        }
    }

    private string RoomKey(RoomInfo room) => ConferenceRooms.Key(_call.Tenant.Id, room.Id);

    public void MoveTo(RoomInfo room)
    {
        lock (_membership)
        {
            if (_participant is null || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            LeaveRoom(_participant);
            _participant = _owner.Rooms.Join(RoomKey(room), _call.Id.ToString("N"), this, this);
            JoinTranslation(room);
        }
    }

    private void JoinTranslation(RoomInfo room)
    {
        if (_owner.Translation is { } translation && _participant is { } p)
        {
            try
            {
                translation.Join(_call.Tenant.Id, room, p, _call.AuthenticatedUser, _call.VouchedCallerUri ?? _call.CallerUri, _call.Id.ToString("N"), _call.RememberedLanguage, _call.VouchedCallerUri,
                    narrowband: _pipeline?.Narrowband ?? false);
            }
            catch (Exception ex)
            {
                // Translation is an extra: the call goes on with the original audio.
                Log.TranslationJoinFailed(_owner.Logger<ConferenceCallMedia>(), _call.Id, ex);
            }
        }
    }

    private void LeaveRoom(MixerParticipant participant)
    {
        try
        {
            _owner.Translation?.Leave(participant);
        }
        catch (Exception ex)
        {
            Log.TranslationJoinFailed(_owner.Logger<ConferenceCallMedia>(), _call.Id, ex);
        }
        _owner.Rooms.Leave(participant);
    }

    /// <summary>One line per call with what its jitter buffers saw: the figures an operator needs to tell a bad line from a bad server.</summary>
    private void LogReceiveQuality(JitterBufferStats stats) =>
        Log.ReceiveQuality(_owner.Logger<ConferenceCallMedia>(), _call.Id, stats.Received, stats.Lost, stats.Late,
            stats.ConcealedFrames, stats.ConcealedSinceLastPacket, stats.InsertedFrames, stats.DroppedFrames, stats.TargetDelay.TotalMilliseconds, _legs);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "Call {CallId} media ended: {Received} packets received, {Lost} lost, {Late} late; frames concealed {Concealed} ({Trailing} after the last packet), inserted {Inserted}, dropped {Dropped}; jitter target {TargetMs} ms; {Legs} media leg(s)")]
        public static partial void ReceiveQuality(ILogger logger, Guid callId, long received, long lost, long late, long concealed, long trailing, long inserted, long dropped, double targetMs, int legs);

        [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "Call {CallId}: translation membership change failed; the call continues untranslated")]
        public static partial void TranslationJoinFailed(ILogger logger, Guid callId, Exception exception);
    }

    /// <summary>The session <see cref="TryRead"/> polls: the mixer batches its receive with other callers'.</summary>
    public RtpSession? ReceiveSession => _pipeline?.Session;

    /// <summary>Mixer input: the caller's decoded audio.</summary>
    public bool TryRead(Span<short> frame)
    {
        lock (_pipelineGate)
        {
            var p = _pipeline;
            if (p is null)
            {
                return false;
            }
            // Packets that arrived since the last tick go into the jitter buffer first (OnRtp, this thread).
            p.Session.Poll();
            return _pipeline == p && p.Jitter.Pull(frame) != JitterFrameKind.Silence;
        }
    }

    /// <summary>Mixer output: the caller's personal mix, encoded and sent.</summary>
    public void Write(MixedFrame frame)
    {
        lock (_pipelineGate)
        {
            WriteLocked(frame);
        }
    }

    private void WriteLocked(MixedFrame frame)
    {
        var p = _pipeline;
        if (p is null)
        {
            return;
        }
        if (p.Media.Direction is SdpDirection.RecvOnly or SdpDirection.Inactive)
        {
            p.Encoder.Skip();
            return;
        }
        var codec = p.Media.Codec;
        int length;
        uint timestamp;
        if (frame.IsShared)
        {
            // Everyone in this listener's group hears the same mix: one encode for all of them
            // (SharedEncoders). The RTP stream (SSRC, sequence, timestamp) stays this call's own.
            length = _owner.SharedEncodes.Encode(frame, codec.Name, codec.ClockRate, _payload);
            if (length > 0)
            {
                timestamp = p.Encoder.Timestamp;
                p.Encoder.Skip();
                p.Session.Send((byte)codec.PayloadType, timestamp, _payload.AsSpan(0, length));
                return;
            }
        }
        length = p.Encoder.Encode(frame.Samples, _payload, out timestamp);
        if (length <= 0)
        {
            return;
        }
        p.Session.Send((byte)codec.PayloadType, timestamp, _payload.AsSpan(0, length));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        lock (_membership)
        {
            if (_participant is not null)
            {
                LeaveRoom(_participant);
                _participant = null;
            }
        }
        // A re-offer in progress finishes first (it may be building a new pipeline); later ones see _disposed.
        // The semaphore is never disposed: it has no wait handle, and a late re-offer may still wait on it.
        await _negotiation.WaitAsync();
        Pipeline? p;
        try
        {
            lock (_pipelineGate)
            {
                p = _pipeline;
                _pipeline = null;
            }
        }
        finally
        {
            _negotiation.Release();
        }
        if (Combined(_earlierLegs, p?.Jitter.Stats) is { } received)
        {
            LogReceiveQuality(received);
        }
        if (p is not null)
        {
            await p.DisposeAsync();
        }
        Interlocked.Exchange(ref _placeholder, null)?.Dispose();
        _owner.Ports.Release(_local.Port);
    }

    private sealed class Pipeline(NegotiatedMedia media, IAudioDecoder decoder, JitterBuffer jitter, AudioFrameEncoder encoder, LossAdaptiveFec? fec, TelephoneEventReceiver dtmf, SrtpContext? srtpIn, SrtpContext? srtpOut) : IAsyncDisposable
    {
        /// <summary>
        /// The codec decodes to 8 kHz (G.711): the caller is telephone band by definition. A wideband codec may still
        /// carry a telephone call, so it says nothing.
        /// </summary>
        public bool Narrowband { get; } = decoder.Info.SampleRate <= 8000;

        /// <summary>Raises the FEC of an Opus personal mix with the loss the caller reports (null for other codecs).</summary>
        public LossAdaptiveFec? Fec { get; } = fec;

        public NegotiatedMedia Media { get; set; } = media;

        public JitterBuffer Jitter { get; } = jitter;

        public AudioFrameEncoder Encoder { get; } = encoder;

        public TelephoneEventReceiver Dtmf { get; } = dtmf;

        public RtpSession Session { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            // The session first: once it is disposed no receive loop or RTCP timer can reach the SRTP contexts.
            await Session.DisposeAsync();
            Jitter.Dispose();
            decoder.Dispose();
            Encoder.Dispose();
            // The SRTP contexts belong to the pipeline: a libsrtp session left undisposed keeps its NSS contexts
            // alive, and every later srtp_create and protect walks longer NSS session chains.
            srtpIn?.Dispose();
            srtpOut?.Dispose();
        }
    }
}
