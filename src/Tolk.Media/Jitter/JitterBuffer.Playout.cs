using System.Buffers;

namespace Tolk.Media.Jitter;

public sealed partial class JitterBuffer
{
    /// <summary>Decodes or conceals the next packet into the PCM FIFO.</summary>
    private JitterFrameKind DecodeNext()
    {
        ref var slot = ref _slots[_nextSeq & (Capacity - 1)];
        if (slot.Used && slot.Sequence == _nextSeq)
        {
            _expectedTimestamp = slot.Timestamp + _packetTimestampStep;
            _stretchedSeq = -1;
            if (SkipSilent(slot.Payload.AsSpan(0, slot.Length)))
            {
                Release(ref slot);
                _nextSeq++;
                _concealRun = 0;
                AppendSilence(_packetSamples * AudioFormat.SampleRate / _decoder.Info.SampleRate);
                return JitterFrameKind.Audio;
            }

            var n = _decoder.Decode(slot.Payload.AsSpan(0, slot.Length), _decodeBuffer);
            Release(ref slot);
            _nextSeq++;
            if (n > 0)
            {
                _concealRun = 0;
                AppendFifo(_decodeBuffer.AsSpan(0, n));
                return JitterFrameKind.Audio;
            }

            // A corrupt payload is treated like a lost one.
            ConcealOne(default);
            return JitterFrameKind.Concealed;
        }

        if ((_concealRun + 1) * PacketMs > _options.IdleAfter.TotalMilliseconds && _highestSeq < _nextSeq)
        {
            // A pause, not a late packet: what arrives next starts a new spurt.
            _concealRun = 0;
            _stretchedSeq = -1;
            return JitterFrameKind.Silence;
        }

        if (_highestSeq > _nextSeq)
        {
            // RFC 6716 / opus_decode: the packet after a loss may carry it as in-band FEC.
            ref var next = ref _slots[(_nextSeq + 1) & (Capacity - 1)];
            var nextPayload = next.Used && next.Sequence == _nextSeq + 1 ? next.Payload.AsSpan(0, next.Length) : default;
            _lost++;
            _expectedTimestamp += _packetTimestampStep;
            if (_stretchedSeq == _nextSeq)
            {
                // An underrun already concealed a frame while waiting for this packet: it was lost, not late,
                // so that frame stands for it rather than adding delay that a later drop would have to remove.
                _stretchedSeq = -1;
                _inserted--;
                _nextSeq++;
                return DecodeNext();
            }

            _nextSeq++;
            ConcealOne(nextPayload);
        }
        else
        {
            // Underrun: nothing newer has arrived, so the packet may just be late. Stretch time by
            // concealing without moving the playout point (this also absorbs a sender clock that is slower than ours).
            _inserted++;
            _stretchedSeq = _nextSeq;
            ConcealOne(default);
        }

        return JitterFrameKind.Concealed;
    }

    /// <summary>
    /// A silent payload after at least <see cref="DecodedSilentPackets"/> decoded silent ones is not
    /// decoded: by then the decoder's and the PLC's history hold silence, so skipping leaves them as
    /// they would be, and the frame is plain zeros at 16 kHz (no resampling either).
    /// </summary>
    private bool SkipSilent(ReadOnlySpan<byte> payload)
    {
        if (_silence == SilentPayloads.Kind.None || !SilentPayloads.IsSilent(_silence, payload))
        {
            _silentRun = 0;
            return false;
        }

        return ++_silentRun > DecodedSilentPackets;
    }

    private void ConcealOne(ReadOnlySpan<byte> nextPayload)
    {
        _concealed++;
        _concealRun++;
        if (_silentRun > DecodedSilentPackets && nextPayload.IsEmpty)
        {
            // A loss inside a skipped silent run: silence is the right concealment, and the decoder
            // has not seen the skipped packets, so its PLC would replay older audio.
            AppendSilence(_packetSamples * AudioFormat.SampleRate / _decoder.Info.SampleRate);
            return;
        }

        var samples = Math.Min(_packetSamples, _decodeBuffer.Length);
        var n = _decoder.Conceal(_decodeBuffer.AsSpan(0, samples), nextPayload);
        if (n <= 0)
        {
            _decodeBuffer.AsSpan(0, samples).Clear();
            n = samples;
        }

        AppendFifo(_decodeBuffer.AsSpan(0, n));
    }

    /// <summary>Keeps the depth near the target once per adaptation window (drop when too deep, insert when too shallow).</summary>
    private void Adapt()
    {
        var buffered = BufferedMs();
        _minBufferedInWindow = Math.Min(_minBufferedInWindow, buffered);
        _maxBufferedInWindow = Math.Max(_maxBufferedInWindow, buffered);
        if (++_pullsInWindow * AudioFormat.FrameMilliseconds < _options.AdaptationWindow.TotalMilliseconds)
        {
            return;
        }

        UpdateTarget();
        // The window minimum is the depth left after a pull when the worst-timed packet was due. The
        // target (jitter spread + one packet) is the depth needed *before* a pull, so after the pull
        // only the spread must remain: a whole packet above that after every pull is needless delay
        // (sender faster than us, a burst, or the initial depth on a clean path). The spread is counted
        // in pulls, so on a clean path it is 0 give or take the sender's clock drift, which the tolerance absorbs.
        var spreadMs = _targetMs - PacketMs;
        var tolerance = PacketMs / 4.0;
        if (_minBufferedInWindow - PacketMs > spreadMs - tolerance && _highestSeq >= _nextSeq)
        {
            // Drain about half the excess, spread over the next window (one frame every other pull).
            var excess = (int)((_minBufferedInWindow - spreadMs + tolerance) / PacketMs);
            _dropBudget = Math.Max(1, excess / 2);
            _dropUrgent = excess >= UrgentExcessPackets;
        }
        else
        {
            _dropBudget = 0;
            _dropWait = 0;
            if (_maxBufferedInWindow < spreadMs - tolerance)
            {
                // Less than the spread left after every pull all window long (jitter grew): add a concealed packet of delay.
                _inserted++;
                ConcealOne(default);
            }
        }

        ResetWindow();
    }

    /// <summary>
    /// Whether a frame of the drop budget may go now. A dropped packet is audio the listener never hears, so
    /// a small excess waits for a silent packet (a pause between words) for up to <see cref="SilenceWaitPulls"/>;
    /// a large one (a burst after a stall) is needless delay worth a glitch and goes at once.
    /// </summary>
    private bool MayDropNow()
    {
        if (_dropUrgent || _dropWait >= SilenceWaitPulls)
        {
            return true;
        }

        ref var slot = ref _slots[_nextSeq & (Capacity - 1)];
        if (_silence != SilentPayloads.Kind.None && slot.Used && slot.Sequence == _nextSeq
            && SilentPayloads.IsSilent(_silence, slot.Payload.AsSpan(0, slot.Length)))
        {
            return true;
        }

        _dropWait++;
        return false;
    }

    private void DropOne()
    {
        ref var slot = ref _slots[_nextSeq & (Capacity - 1)];
        if (slot.Used && slot.Sequence == _nextSeq)
        {
            // Decode it anyway so the decoder state stays continuous, then discard the audio.
            _ = _decoder.Decode(slot.Payload.AsSpan(0, slot.Length), _decodeBuffer);
            _expectedTimestamp = slot.Timestamp + _packetTimestampStep;
            Release(ref slot);
        }
        else
        {
            _lost++;
            _expectedTimestamp += _packetTimestampStep;
        }

        _nextSeq++;
        _dropped++;
    }

    private void ResetWindow()
    {
        _pullsInWindow = 0;
        _minBufferedInWindow = int.MaxValue;
        _maxBufferedInWindow = 0;
    }

    /// <summary>Buffered audio ahead of playout: packets not yet decoded (gaps included) plus decoded PCM.</summary>
    private int BufferedMs()
    {
        if (!_haveSeq)
        {
            return 0;
        }

        var packets = _highestSeq - _nextSeq + 1;
        if (packets <= 0)
        {
            packets = 0;
        }

        return (int)(packets * PacketMs) + (_fifoCount * 1000 / AudioFormat.SampleRate);
    }

    /// <summary>
    /// Learns the packet length from consecutive pushes (the previous packet is usually played and released
    /// by the time the next one arrives, so it is remembered here rather than looked up in its slot).
    /// </summary>
    private void LearnPacketDuration(long ext, uint timestamp)
    {
        var previousSeq = _lastPushedSeq;
        var previousTimestamp = _lastPushedTimestamp;
        if (ext > _lastPushedSeq)
        {
            _lastPushedSeq = ext;
            _lastPushedTimestamp = timestamp;
        }

        if (previousSeq == ext - 1)
        {
            var step = timestamp - previousTimestamp;
            var clock = _decoder.Info.ClockRate;
            if (step > 0 && step <= (uint)(clock / 5) && step != _packetTimestampStep)
            {
                // ptime other than 20 ms (e.g. 10 or 30 ms): conceal in units of the real packet length.
                _packetTimestampStep = step;
                _packetSamples = (int)((long)step * _decoder.Info.SampleRate / clock);
            }
        }
    }

    /// <summary>
    /// The packet the last underrun concealed for has turned up. If it continues the audio (not a talk
    /// spurt's restart after silence suppression), it was late by a pull: the packet of margin the buffer
    /// drained was needed after all, so it is kept for <see cref="UnderrunHoldPulls"/> (doubling each time).
    /// Without the hold a path whose rare late packets stay under the spread's 95th percentile would drain,
    /// conceal, refill, and drain again every window.
    /// </summary>
    private void NoteLateArrival(uint timestamp)
    {
        _stretchedSeq = -1;
        if (timestamp == _expectedTimestamp)
        {
            StartHold();
        }
    }

    /// <summary>
    /// Keeps one packet of margin from now on. Each late packet doubles the next hold (10, 20, 40 s … up to
    /// 320 s): a path that keeps straddling the tick keeps its margin rather than trading a concealed frame
    /// for it every 10 s. A pending drop is called off: the margin it would take is the one just proved needed.
    /// </summary>
    private void StartHold()
    {
        _holdUntilPull = _pulls + ((long)UnderrunHoldPulls << Math.Min(_lateArrivals, MaxHoldDoublings));
        _lateArrivals++;
        ClearDrain();
    }

    private void ClearDrain()
    {
        _dropBudget = 0;
        _dropWait = 0;
        _dropUrgent = false;
    }

    /// <summary>
    /// The pull a packet pushed now is first there for, in ms on the pull grid: the next pull after the last
    /// one. While pulls come every tick that is simply the next pull; while nobody pulls (a dormant room), the
    /// grid runs on with the clock, so a long pause does not look like a burst of packets all arriving at once.
    /// </summary>
    private double ArrivalPullMs(long now) =>
        (_pulls + (_pulls == 0 ? 1 : PullsSince(_lastPullAt, now))) * (double)AudioFormat.FrameMilliseconds;

    /// <summary>
    /// Ticks of the pull grid from <paramref name="from"/> to <paramref name="to"/>: one while pulls come
    /// about every tick (a late tick and its catch-up included), the clock's count after a gap of more than
    /// <see cref="DormantAfterMs"/> in which nobody pulled.
    /// </summary>
    private long PullsSince(long from, long to)
    {
        var ms = _time.GetElapsedTime(from, to).TotalMilliseconds;
        return ms <= DormantAfterMs ? 1 : (long)Math.Round(ms / AudioFormat.FrameMilliseconds);
    }

    /// <summary>Records the packet's delay relative to its timestamp, in ms (an unknown constant offset cancels out).</summary>
    private void RecordDelay(double arrivalMs, uint timestamp)
    {
        var mediaMs = timestamp * 1000.0 / _decoder.Info.ClockRate;
        var delay = arrivalMs - mediaMs;
        if (_delayCount > 0)
        {
            // Keep the timestamp wrap (every ~74 min at 8 kHz... ~25 h at 48 kHz) from looking like a jump.
            var last = _delays[(_delayIndex + DelayHistory - 1) % DelayHistory];
            var wrapMs = 4294967296.0 * 1000 / _decoder.Info.ClockRate;
            while (delay - last > wrapMs / 2)
            {
                delay -= wrapMs;
            }

            while (last - delay > wrapMs / 2)
            {
                delay += wrapMs;
            }
        }

        _delays[_delayIndex] = delay;
        _delayIndex = (_delayIndex + 1) % DelayHistory;
        _delayCount = Math.Min(_delayCount + 1, DelayHistory);
    }

    /// <summary>
    /// Target = 95th percentile of delay above the fastest recent packet, plus one packet of margin, clamped;
    /// at least two packets while a late packet's hold lasts or while any recent packet came a pull late.
    /// </summary>
    private void UpdateTarget()
    {
        if (_delayCount < 10)
        {
            return;
        }

        var span = _sortScratch.AsSpan(0, _delayCount);
        _delays.AsSpan(0, _delayCount).CopyTo(span);
        span.Sort();
        var spread = span[(int)(0.95 * (_delayCount - 1))] - span[0];
        // The last packet of margin goes only while no hold lasts and no packet of the history (2.56 s) came a
        // pull late: the 95th percentile alone would drain it on a path where one packet in 30 is late.
        if (_pulls < _holdUntilPull || span[_delayCount - 1] - span[0] > PacketMs * 0.75)
        {
            spread = Math.Max(spread, PacketMs);
        }

        _targetMs = Math.Clamp(spread + PacketMs, _options.MinDelay.TotalMilliseconds, _options.MaxDelay.TotalMilliseconds);
    }

    private void Resync(long ext)
    {
        _resyncs++;
        ClearSlots();
        _highestSeq = ext;
        _nextSeq = ext;
        _playing = false;
        _fifoCount = 0;
        _fifoStart = 0;
        _delayCount = 0;
        _stretchedSeq = -1;
        _lastPushedSeq = -1;
        ClearDrain();
    }

    private void AppendFifo(ReadOnlySpan<short> pcm)
    {
        if (_resampler is not null)
        {
            var n = _resampler.Process(pcm, _resampleBuffer);
            pcm = _resampleBuffer.AsSpan(0, n);
        }

        Append(pcm, silence: false);
    }

    private void AppendSilence(int samples) => Append(default, silence: true, samples);

    /// <summary>
    /// Block copies into the ring (at most two spans each way): this runs for every caller every tick,
    /// and a per-sample loop with a modulo per sample cost more than decoding G.711.
    /// </summary>
    private void Append(ReadOnlySpan<short> pcm, bool silence, int silentSamples = 0)
    {
        var length = silence ? silentSamples : pcm.Length;
        if (length > _fifo.Length)
        {
            // Overflow cannot happen with sane packet sizes; keep the newest audio if it does.
            pcm = silence ? pcm : pcm[^_fifo.Length..];
            length = _fifo.Length;
        }

        var overflow = _fifoCount + length - _fifo.Length;
        if (overflow > 0)
        {
            _fifoStart = (_fifoStart + overflow) % _fifo.Length;
            _fifoCount -= overflow;
        }

        var end = (_fifoStart + _fifoCount) % _fifo.Length;
        var first = Math.Min(length, _fifo.Length - end);
        if (silence)
        {
            _fifo.AsSpan(end, first).Clear();
            _fifo.AsSpan(0, length - first).Clear();
        }
        else
        {
            pcm[..first].CopyTo(_fifo.AsSpan(end));
            pcm[first..].CopyTo(_fifo);
        }

        _fifoCount += length;
    }

    private void ReadFifo(Span<short> destination)
    {
        var first = Math.Min(destination.Length, _fifo.Length - _fifoStart);
        _fifo.AsSpan(_fifoStart, first).CopyTo(destination);
        _fifo.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
        _fifoStart = (_fifoStart + destination.Length) % _fifo.Length;
        _fifoCount -= destination.Length;
    }

    private static void Release(ref Slot slot)
    {
        if (slot.Payload is not null)
        {
            ArrayPool<byte>.Shared.Return(slot.Payload);
        }

        slot = default;
    }

    private void ClearSlots()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            Release(ref _slots[i]);
        }
    }
}
