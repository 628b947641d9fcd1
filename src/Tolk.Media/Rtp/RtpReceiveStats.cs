namespace Tolk.Media.Rtp;

/// <summary>
/// Reception statistics for one source, as RFC 3550 Appendix A.1 (sequence validation and extended
/// sequence numbers), A.3 (expected/lost packets, fraction lost) and A.8 (interarrival jitter).
/// Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class RtpReceiveStats
{
    // RFC 3550 A.1 constants.
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int MinSequential = 2;
    private const uint SeqMod = 1 << 16;

    private readonly int _clockRate;
    private readonly long _timestampFrequency;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SeqMod + 1;
    private int _probation = MinSequential;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private bool _haveTransit;
    private long _transit;
    private double _jitter;
    private bool _initialised;

    /// <param name="clockRate">RTP clock rate of the payload (e.g. 8000 for PCMU and G.722, 48000 for Opus).</param>
    /// <param name="timestampFrequency">Frequency of the arrival timestamps passed to <see cref="Update"/>
    /// (usually <see cref="TimeProvider.TimestampFrequency"/>).</param>
    public RtpReceiveStats(int clockRate, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        _clockRate = clockRate;
        _timestampFrequency = timestampFrequency;
    }

    /// <summary>Packets accepted as valid (after probation).</summary>
    public long PacketsReceived => _received;

    /// <summary>Highest sequence number seen, extended with the cycle count (RFC 3550 §6.4.1).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSeq;

    /// <summary>Packets expected since the first one: extended highest - base + 1 (A.3).</summary>
    public long PacketsExpected => _initialised ? (long)ExtendedHighestSequence - _baseSeq + 1 : 0;

    /// <summary>Cumulative packets lost; negative when duplicates outnumber losses (A.3).</summary>
    public long PacketsLost => _initialised ? PacketsExpected - _received : 0;

    /// <summary>Interarrival jitter in RTP timestamp units (A.8).</summary>
    public uint Jitter => (uint)_jitter;

    /// <summary>Interarrival jitter as a duration.</summary>
    public TimeSpan JitterTime => TimeSpan.FromSeconds(_jitter / _clockRate);

    /// <summary>True once the source passed probation (two in-sequence packets).</summary>
    public bool IsValid => _initialised && _probation == 0;

    /// <summary>Middle 32 bits of the NTP timestamp of the last SR received, for LSR (RFC 3550 §6.4.1).</summary>
    public uint LastSenderReportNtp { get; private set; }

    /// <summary>Arrival timestamp of the last SR, to compute DLSR.</summary>
    public long LastSenderReportArrival { get; private set; }

    /// <summary>Records a sender report from this source (for LSR/DLSR of our next receiver report).</summary>
    public void OnSenderReport(ulong ntpTimestamp, long arrivalTimestamp)
    {
        LastSenderReportNtp = (uint)(ntpTimestamp >> 16);
        LastSenderReportArrival = arrivalTimestamp;
    }

    /// <summary>
    /// Accounts one packet. Returns false when the sequence number is rejected by the A.1 algorithm
    /// (still in probation, or a large jump not yet confirmed); the caller should then not play it.
    /// </summary>
    /// <param name="sequence">RTP sequence number.</param>
    /// <param name="rtpTimestamp">RTP timestamp.</param>
    /// <param name="arrivalTimestamp">Arrival time in units of the timestamp frequency given at construction.</param>
    public bool Update(ushort sequence, uint rtpTimestamp, long arrivalTimestamp)
    {
        if (!_initialised)
        {
            InitSeq(sequence);
            _maxSeq = (ushort)(sequence - 1);
            _probation = MinSequential;
            _initialised = true;
        }

        if (!UpdateSeq(sequence))
        {
            return false;
        }

        UpdateJitter(rtpTimestamp, arrivalTimestamp);
        return true;
    }

    private void UpdateJitter(uint rtpTimestamp, long arrivalTimestamp)
    {
        // A.8: transit = arrival (in RTP units) - timestamp; J += (|D| - J) / 16. Arithmetic in 64 bits
        // so wrap of the 32-bit timestamp does not matter for differences of close packets.
        var arrival = (arrivalTimestamp / _timestampFrequency * _clockRate)
            + (arrivalTimestamp % _timestampFrequency * _clockRate / _timestampFrequency);
        var transit = (long)(uint)((uint)arrival - rtpTimestamp);
        if (_haveTransit)
        {
            var d = (int)(uint)(transit - _transit);
            _jitter += (Math.Abs((double)d) - _jitter) / 16.0;
        }

        _transit = transit;
        _haveTransit = true;
    }

    private void InitSeq(ushort seq)
    {
        _baseSeq = seq;
        _maxSeq = seq;
        _badSeq = SeqMod + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    private bool UpdateSeq(ushort seq)
    {
        var udelta = (ushort)(seq - _maxSeq);
        if (_probation > 0)
        {
            // A.1: a source is valid once MinSequential packets arrived in sequence.
            if (seq == (ushort)(_maxSeq + 1))
            {
                _probation--;
                _maxSeq = seq;
                if (_probation == 0)
                {
                    InitSeq(seq);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSeq = seq;
            }

            return false;
        }

        if (udelta < MaxDropout)
        {
            if (seq < _maxSeq)
            {
                _cycles += SeqMod;
            }

            _maxSeq = seq;
        }
        else if (udelta <= SeqMod - MaxMisorder)
        {
            // A very large jump: accept only if the next packet confirms the new sequence (restart).
            if (seq == _badSeq)
            {
                InitSeq(seq);
            }
            else
            {
                _badSeq = (uint)(seq + 1) & (SeqMod - 1);
                return false;
            }
        }

        // else: duplicate or reordered packet, counted.
        _received++;
        return true;
    }

    /// <summary>
    /// Produces the loss fields of a reception report (A.3) and starts a new reporting interval.
    /// </summary>
    /// <param name="fractionLost">Fraction lost since the previous report, in 1/256.</param>
    /// <param name="cumulativeLost">Cumulative lost, clamped to the signed 24-bit range.</param>
    public void TakeIntervalLoss(out byte fractionLost, out int cumulativeLost)
    {
        var expected = PacketsExpected;
        var expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        var receivedInterval = _received - _receivedPrior;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        fractionLost = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        cumulativeLost = (int)Math.Clamp(PacketsLost, -0x800000, 0x7FFFFF);
    }
}
