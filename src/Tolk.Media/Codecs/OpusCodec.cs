namespace Tolk.Media.Codecs;

/// <summary>Settings of an Opus stream.</summary>
/// <param name="SampleRate">Internal PCM rate: 8000, 12000, 16000, 24000 or 48000.</param>
/// <param name="Bitrate">Target bitrate in bit/s.</param>
/// <param name="InbandFec">Embed LBRR redundancy so the receiver can recover one lost packet.</param>
/// <param name="ExpectedPacketLossPercent">Tells the encoder how much redundancy to spend.</param>
/// <param name="Complexity">0..10.</param>
public sealed record OpusOptions(int SampleRate = AudioFormat.SampleRate, int Bitrate = 24000, bool InbandFec = true,
    int ExpectedPacketLossPercent = 10, int Complexity = 5)
{
    /// <summary>Defaults for conference speech: 16 kHz, 24 kbit/s, FEC on.</summary>
    public static OpusOptions Default { get; } = new();

    internal void Validate()
    {
        if (SampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "Opus runs at 8, 12, 16, 24 or 48 kHz");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Bitrate, 6000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Bitrate, 510000);
    }
}

/// <summary>
/// Opus encoder (RFC 6716) through libopus, VOIP application, mono. RFC 7587 §4.1: the RTP clock is
/// always 48000 Hz whatever rate the codec runs at internally.
/// </summary>
public sealed class OpusEncoder : IAudioEncoder
{
    private readonly OpusEncoderHandle _encoder;

    /// <summary>Creates an encoder with <paramref name="options"/> (or <see cref="OpusOptions.Default"/>).</summary>
    public OpusEncoder(OpusOptions? options = null)
    {
        options ??= OpusOptions.Default;
        options.Validate();
        _encoder = OpusNative.EncoderCreate(options.SampleRate, 1, OpusNative.ApplicationVoip, out var error);
        if (_encoder.IsInvalid || error != OpusNative.Ok)
        {
            _encoder.Dispose();
            throw new InvalidOperationException($"opus_encoder_create failed with {error}");
        }

        Info = CodecRegistry.Opus with { SampleRate = options.SampleRate };
        Ctl(OpusNative.SetBitrateRequest, options.Bitrate);
        Ctl(OpusNative.SetInbandFecRequest, options.InbandFec ? 1 : 0);
        Ctl(OpusNative.SetPacketLossPercRequest, options.ExpectedPacketLossPercent);
        Ctl(OpusNative.SetComplexityRequest, options.Complexity);
        Ctl(OpusNative.SetSignalRequest, OpusNative.SignalVoice);
    }

    /// <inheritdoc />
    public AudioCodecInfo Info { get; }

    /// <summary>The bitrate libopus is targeting.</summary>
    public int Bitrate
    {
        get
        {
            ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
            _ = OpusNative.EncoderCtlGet(_encoder, OpusNative.GetBitrateRequest, out var value);
            return value;
        }
        set => Ctl(OpusNative.SetBitrateRequest, value);
    }

    /// <summary>
    /// The packet loss (0–100 %) the encoder protects against: with in-band FEC on, libopus adds LBRR redundancy only
    /// when this is above 0, and spends more on it the higher it is (<see cref="LossAdaptiveFec"/> raises it from the
    /// receiver's reports).
    /// </summary>
    public int PacketLossPercent
    {
        get
        {
            ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
            _ = OpusNative.EncoderCtlGet(_encoder, OpusNative.GetPacketLossPercRequest, out var value);
            return value;
        }
        set => Ctl(OpusNative.SetPacketLossPercRequest, Math.Clamp(value, 0, 100));
    }

    /// <summary>The complexity (0–10) libopus is encoding with.</summary>
    public int Complexity
    {
        get
        {
            ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
            _ = OpusNative.EncoderCtlGet(_encoder, OpusNative.GetComplexityRequest, out var value);
            return value;
        }
    }

    /// <inheritdoc />
    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
        if (pcm.Length != Info.FrameSamples || destination.IsEmpty)
        {
            return -1;
        }

        fixed (short* p = pcm)
        fixed (byte* d = destination)
        {
            var n = OpusNative.Encode(_encoder, p, pcm.Length, d, Math.Min(destination.Length, 1275));
            return n < 0 ? -1 : n;
        }
    }

    private void Ctl(int request, int value)
    {
        ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
        var status = OpusNative.EncoderCtl(_encoder, request, value);
        if (status != OpusNative.Ok)
        {
            throw new ArgumentException($"opus_encoder_ctl({request}, {value}) failed with {status}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _encoder.Dispose();
}

/// <summary>Opus decoder through libopus with its built-in PLC and in-band FEC recovery.</summary>
public sealed class OpusDecoder : IAudioDecoder
{
    private readonly OpusDecoderHandle _decoder;

    /// <summary>Creates a mono decoder producing PCM at <paramref name="sampleRate"/>.</summary>
    public OpusDecoder(int sampleRate = AudioFormat.SampleRate)
    {
        new OpusOptions(sampleRate).Validate();
        _decoder = OpusNative.DecoderCreate(sampleRate, 1, out var error);
        if (_decoder.IsInvalid || error != OpusNative.Ok)
        {
            _decoder.Dispose();
            throw new InvalidOperationException($"opus_decoder_create failed with {error}");
        }

        Info = CodecRegistry.Opus with { SampleRate = sampleRate };
    }

    /// <inheritdoc />
    public AudioCodecInfo Info { get; }

    /// <inheritdoc />
    public unsafe int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_decoder.IsClosed, this);
        if (payload.IsEmpty)
        {
            return -1;
        }

        fixed (byte* d = payload)
        fixed (short* p = pcm)
        {
            var n = OpusNative.Decode(_decoder, d, payload.Length, p, pcm.Length, 0);
            return n < 0 ? -1 : n;
        }
    }

    /// <inheritdoc />
    public unsafe int Conceal(Span<short> pcm, ReadOnlySpan<byte> nextPayload = default)
    {
        ObjectDisposedException.ThrowIf(_decoder.IsClosed, this);
        // libopus needs a multiple of 2.5 ms for PLC/FEC.
        var frame = pcm.Length - (pcm.Length % (Info.SampleRate / 400));
        fixed (byte* d = nextPayload)
        fixed (short* p = pcm)
        {
            // RFC 6716 §4.2.5 / opus_decode: decode_fec=1 with the next packet recovers the lost
            // frame from its LBRR data; without a next packet (or if it has none) plain PLC runs.
            var n = nextPayload.IsEmpty
                ? OpusNative.Decode(_decoder, null, 0, p, frame, 0)
                : OpusNative.Decode(_decoder, d, nextPayload.Length, p, frame, 1);
            if (n < 0 && !nextPayload.IsEmpty)
            {
                n = OpusNative.Decode(_decoder, null, 0, p, frame, 0);
            }

            return n < 0 ? 0 : n;
        }
    }

    /// <summary>Number of samples (at this decoder's rate) a payload will decode to, or -1 when invalid.</summary>
    public unsafe int GetSampleCount(ReadOnlySpan<byte> payload)
    {
        fixed (byte* d = payload)
        {
            var n = OpusNative.PacketGetSamples(d, payload.Length, Info.SampleRate);
            return n < 0 ? -1 : n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _decoder.Dispose();
}
