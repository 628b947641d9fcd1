namespace Tolk.Media.Codecs;

/// <summary>
/// G.722 at 64 kbit/s through spandsp. RFC 3551 §4.5.2: the RTP clock runs at 8000 Hz although the
/// audio is sampled at 16000 Hz, so 20 ms = 320 samples = 160 octets = timestamp step 160.
/// </summary>
public sealed class G722Encoder : IAudioEncoder
{
    private readonly G722EncodeHandle _state;

    /// <summary>Creates a 64 kbit/s encoder.</summary>
    public G722Encoder()
    {
        _state = SpanDspNative.G722EncodeInit(0, 64000, 0);
        if (_state.IsInvalid)
        {
            throw new InvalidOperationException("g722_encode_init failed");
        }
    }

    /// <inheritdoc />
    public AudioCodecInfo Info => CodecRegistry.G722;

    /// <inheritdoc />
    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        // Two samples per octet at 64 kbit/s.
        if (pcm.Length % 2 != 0 || destination.Length < pcm.Length / 2)
        {
            return -1;
        }

        fixed (short* p = pcm)
        fixed (byte* d = destination)
        {
            return SpanDspNative.G722Encode(_state, d, p, pcm.Length);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _state.Dispose();
}

/// <summary>G.722 64 kbit/s decoder through spandsp, with spandsp PLC on loss.</summary>
public sealed class G722Decoder : IAudioDecoder
{
    private readonly PacketLossConcealer _plc = new();
    private readonly G722DecodeHandle _state;

    /// <summary>Creates a 64 kbit/s decoder.</summary>
    public G722Decoder()
    {
        _state = SpanDspNative.G722DecodeInit(0, 64000, 0);
        if (_state.IsInvalid)
        {
            throw new InvalidOperationException("g722_decode_init failed");
        }
    }

    /// <inheritdoc />
    public AudioCodecInfo Info => CodecRegistry.G722;

    /// <inheritdoc />
    public unsafe int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_state.IsClosed, this);
        if (pcm.Length < payload.Length * 2)
        {
            return -1;
        }

        int samples;
        fixed (short* p = pcm)
        fixed (byte* d = payload)
        {
            samples = SpanDspNative.G722Decode(_state, p, d, payload.Length);
        }

        if (samples > 0)
        {
            _plc.Received(pcm[..samples]);
        }

        return samples;
    }

    /// <inheritdoc />
    public int Conceal(Span<short> pcm, ReadOnlySpan<byte> nextPayload = default) => _plc.FillIn(pcm);

    /// <inheritdoc />
    public void Dispose()
    {
        _plc.Dispose();
        _state.Dispose();
    }
}
