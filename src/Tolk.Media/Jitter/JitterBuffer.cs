using System.Buffers;
using Tolk.Media.Codecs;
using Tolk.Media.Resampling;

namespace Tolk.Media.Jitter;

/// <summary>
/// Adaptive jitter buffer for one received stream. The receive path <see cref="Push"/>es RTP payloads
/// in any order; the conference clock <see cref="Pull"/>s one 20 ms frame of 16 kHz PCM
/// (<see cref="AudioFormat.FrameSamples"/>) per tick. Packets are ordered by extended sequence number;
/// late and duplicate packets are dropped and counted; a missing packet is concealed by the decoder
/// (Opus recovers it from the next packet's in-band FEC when that one is already here). The target
/// depth follows the measured delay variation within [MinDelay, MaxDelay]; clock drift between the
/// sender and the pulling clock is absorbed by dropping a frame when the buffer stays too deep and
/// inserting a concealed frame when it runs dry. Delay variation is measured in pulls (which pull a packet
/// was first there for): a packet pushed after a pull counts as arriving at the next one, and while nobody
/// pulls (a dormant room) the pull grid runs on with the clock from the last pull.
/// Thread-safe: push and pull may run on different threads.
/// </summary>
public sealed partial class JitterBuffer : IDisposable
{
    private const int Capacity = 256; // slots, power of two: 5 s of 20 ms packets
    private const int DelayHistory = 128;
    private const int DecodedSilentPackets = 2; // 40 ms: more than spandsp's PLC history (35 ms at 8 kHz)
    private const int UnderrunHoldPulls = 500; // 10 s: how long a margin packet stays after it first proved needed
    private const int MaxHoldDoublings = 5; // the hold grows to at most 32 × 10 s
    private const int SilenceWaitPulls = 50; // drops are tried every other pull, so 2 s: how long a drop may wait for a silent packet
    private const int UrgentExcessPackets = 3; // 60 ms of surplus is drained at once, silent or not
    private const double DormantAfterMs = 100; // a longer gap between pulls is a room that stopped mixing, not a late tick

    private readonly Lock _gate = new();
    private readonly IAudioDecoder _decoder;
    private readonly IAudioResampler? _resampler;
    private readonly TimeProvider _time;
    private readonly JitterBufferOptions _options;
    private readonly Slot[] _slots = new Slot[Capacity];
    private readonly short[] _decodeBuffer;
    private readonly short[] _resampleBuffer;
    private readonly short[] _fifo = new short[AudioFormat.SampleRate]; // 1 s of 16 kHz PCM
    private readonly double[] _delays = new double[DelayHistory];
    private readonly double[] _sortScratch = new double[DelayHistory];
    private int _fifoStart;
    private int _fifoCount;
    private int _delayCount;
    private int _delayIndex;

    private bool _haveSeq;
    private long _highestSeq;
    private long _nextSeq;
    private bool _playing;
    private int _packetSamples; // samples per packet at the codec rate
    private uint _packetTimestampStep;
    private int _concealRun;
    private int _silentRun;
    private readonly SilentPayloads.Kind _silence;
    private int _pullsInWindow;
    private int _minBufferedInWindow = int.MaxValue;
    private int _maxBufferedInWindow;
    private double _targetMs;
    private int _dropBudget;
    private long _pulls;
    private long _lastPullAt; // TimeProvider timestamp of the last pull
    private long _lastPushedSeq = -1;
    private uint _lastPushedTimestamp;
    private long _holdUntilPull;
    private int _lateArrivals;
    private bool _dropUrgent;
    private int _dropWait;
    private long _stretchedSeq = -1; // the packet an underrun concealed for, while it may still turn up late
    private uint _expectedTimestamp; // what packet _nextSeq carries if the audio runs on without a pause

    private long _received;
    private long _late;
    private long _duplicates;
    private long _lost;
    private long _concealed;
    private long _dropped;
    private long _inserted;
    private long _resyncs;
    private long _concealedAtLastPacket;

    /// <param name="decoder">Decoder for the stream's payload type; owned by the caller.</param>
    /// <param name="timeProvider">Clock that carries the pull grid on while nobody pulls.</param>
    /// <param name="options">Tuning, or <see cref="JitterBufferOptions.Default"/>.</param>
    /// <param name="resamplerQuality">speexdsp quality used when the codec rate is neither 16 kHz nor exactly half or twice it (G.711's 8 kHz uses the half-band filter whatever the quality, see <see cref="AudioResampler.Create"/>).</param>
    public JitterBuffer(IAudioDecoder decoder, TimeProvider timeProvider, JitterBufferOptions? options = null, int resamplerQuality = 5)
    {
        _decoder = decoder;
        _time = timeProvider;
        _options = options ?? JitterBufferOptions.Default;
        if (_options.MinDelay > _options.MaxDelay || _options.MinDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException("MinDelay must be positive and not above MaxDelay", nameof(options));
        }

        var info = decoder.Info;
        _silence = SilentPayloads.For(info);
        _packetSamples = info.FrameSamples;
        _packetTimestampStep = (uint)info.TimestampIncrement;
        // Room for the longest Opus packet (120 ms at 48 kHz).
        _decodeBuffer = new short[Math.Max(info.SampleRate * 120 / 1000, 5760)];
        if (info.SampleRate != AudioFormat.SampleRate)
        {
            _resampler = AudioResampler.Create(info.SampleRate, AudioFormat.SampleRate, resamplerQuality);
        }

        _resampleBuffer = new short[(_decodeBuffer.Length * AudioFormat.SampleRate / info.SampleRate) + 64];
        _targetMs = Math.Clamp(_options.InitialDelay.TotalMilliseconds, _options.MinDelay.TotalMilliseconds, _options.MaxDelay.TotalMilliseconds);
    }

    private struct Slot
    {
        public bool Used;
        public long Sequence;
        public uint Timestamp;
        public byte[]? Payload;
        public int Length;
    }

    private int PacketMs => Math.Max(1, _packetSamples * 1000 / _decoder.Info.SampleRate);

    /// <summary>Counters and the current target and depth.</summary>
    public JitterBufferStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new JitterBufferStats(_received, _late, _duplicates, _lost, _concealed, _dropped, _inserted, _resyncs,
                    TimeSpan.FromMilliseconds(_targetMs), TimeSpan.FromMilliseconds(BufferedMs()), _concealed - _concealedAtLastPacket);
            }
        }
    }

    /// <summary>
    /// Accepts one RTP payload (copied into a pooled buffer). Returns false when it is dropped:
    /// late (its playout time passed), duplicate, or empty.
    /// </summary>
    public bool Push(ushort sequence, uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            long ext;
            if (!_haveSeq)
            {
                ext = sequence;
                _haveSeq = true;
                _highestSeq = ext;
                _nextSeq = ext;
            }
            else
            {
                // Unwrap against the highest sequence seen (RFC 3550 §A.1 style, ±32768 window).
                ext = _highestSeq + (short)(ushort)(sequence - (ushort)_highestSeq);
                if (ext < _nextSeq - 100 || ext >= _nextSeq + Capacity)
                {
                    // The sender restarted its sequence (or we were away for seconds): start over.
                    Resync(ext);
                }
            }

            if (ext < _nextSeq && !_playing && _fifoCount == 0 && ext >= _nextSeq - 100)
            {
                // Reordered before playout began: start earlier instead of calling it late.
                _nextSeq = ext;
            }

            if (ext < _nextSeq)
            {
                _late++;
                return false;
            }

            ref var slot = ref _slots[ext & (Capacity - 1)];
            if (slot.Used && slot.Sequence == ext)
            {
                _duplicates++;
                return false;
            }

            if (slot.Used)
            {
                Release(ref slot);
            }

            _concealedAtLastPacket = _concealed;
            slot.Used = true;
            slot.Sequence = ext;
            slot.Timestamp = timestamp;
            slot.Payload = ArrayPool<byte>.Shared.Rent(payload.Length);
            slot.Length = payload.Length;
            payload.CopyTo(slot.Payload);
            _highestSeq = Math.Max(_highestSeq, ext);
            _received++;
            LearnPacketDuration(ext, timestamp);
            // Arrival is counted in pulls, not wall time: what decides playout is which pull a packet
            // was first there for, and a packet the mixer drains at its tick has no finer arrival time anyway.
            RecordDelay(ArrivalPullMs(now), timestamp);
            if (ext == _stretchedSeq)
            {
                NoteLateArrival(timestamp);
            }

            return true;
        }
    }

    /// <summary>
    /// Produces the next 20 ms of 16 kHz PCM into <paramref name="frame"/> (at least
    /// <see cref="AudioFormat.FrameSamples"/> long). Never blocks and never fails: missing audio is
    /// concealed or silent, as the returned kind says.
    /// </summary>
    public JitterFrameKind Pull(Span<short> frame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frame.Length, AudioFormat.FrameSamples);
        var output = frame[..AudioFormat.FrameSamples];
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _pulls += _pulls == 0 ? 1 : PullsSince(_lastPullAt, now);
            _lastPullAt = now;
            if (!_playing)
            {
                if (!_haveSeq || BufferedMs() < _targetMs)
                {
                    output.Clear();
                    return JitterFrameKind.Silence;
                }

                _playing = true;
                ResetWindow();
                ClearDrain();
                // After a stall the network may deliver a burst: start at the target depth, not behind it.
                while (BufferedMs() >= _targetMs + PacketMs && _highestSeq > _nextSeq)
                {
                    DropOne();
                }
            }

            var kind = JitterFrameKind.Audio;
            while (_fifoCount < AudioFormat.FrameSamples)
            {
                var step = DecodeNext();
                if (step == JitterFrameKind.Silence)
                {
                    // Paused stream: play what is left, pad with silence and rebuffer.
                    var have = _fifoCount;
                    ReadFifo(output[..have]);
                    output[have..].Clear();
                    _playing = false;
                    return have > 0 ? JitterFrameKind.Concealed : JitterFrameKind.Silence;
                }

                if (step == JitterFrameKind.Concealed)
                {
                    kind = JitterFrameKind.Concealed;
                }
            }

            ReadFifo(output);
            if (_dropBudget > 0 && _highestSeq >= _nextSeq && (_pullsInWindow & 1) == 0 && MayDropNow())
            {
                _dropBudget--;
                _dropWait = 0;
                DropOne();
            }

            Adapt();
            return kind;
        }
    }

    /// <summary>Forgets all buffered audio and waits for new packets (e.g. after a re-INVITE).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            ClearSlots();
            _haveSeq = false;
            _playing = false;
            _fifoCount = 0;
            _fifoStart = 0;
            _concealRun = 0;
            _silentRun = 0;
            _delayCount = 0;
            _stretchedSeq = -1;
            _lastPushedSeq = -1;
            ClearDrain();
            _resampler?.Reset();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            ClearSlots();
            _resampler?.Dispose();
        }
    }
}
