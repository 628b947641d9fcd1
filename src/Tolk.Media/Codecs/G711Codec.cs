namespace Tolk.Media.Codecs;

/// <summary>G.711 encoder (PCMU or PCMA, RFC 3551 §4.5.14): one octet per sample at 8 kHz.</summary>
public sealed class G711Encoder(bool aLaw) : IAudioEncoder
{
    /// <inheritdoc />
    public AudioCodecInfo Info { get; } = aLaw ? CodecRegistry.Pcma : CodecRegistry.Pcmu;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (destination.Length < pcm.Length)
        {
            return -1;
        }

        if (aLaw)
        {
            G711.EncodeAlaw(pcm, destination);
        }
        else
        {
            G711.EncodeUlaw(pcm, destination);
        }

        return pcm.Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>G.711 decoder with packet loss concealment from spandsp (ITU-T G.711 Appendix I style).</summary>
public sealed class G711Decoder : IAudioDecoder
{
    private readonly bool _aLaw;
    private readonly PacketLossConcealer _plc;

    /// <param name="aLaw">True for PCMA, false for PCMU.</param>
    public G711Decoder(bool aLaw)
    {
        _aLaw = aLaw;
        Info = aLaw ? CodecRegistry.Pcma : CodecRegistry.Pcmu;
        _plc = new PacketLossConcealer();
    }

    /// <inheritdoc />
    public AudioCodecInfo Info { get; }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (pcm.Length < payload.Length)
        {
            return -1;
        }

        var output = pcm[..payload.Length];
        if (_aLaw)
        {
            G711.DecodeAlaw(payload, output);
        }
        else
        {
            G711.DecodeUlaw(payload, output);
        }

        _plc.Received(output);
        return payload.Length;
    }

    /// <inheritdoc />
    public int Conceal(Span<short> pcm, ReadOnlySpan<byte> nextPayload = default) => _plc.FillIn(pcm);

    /// <inheritdoc />
    public void Dispose() => _plc.Dispose();
}
