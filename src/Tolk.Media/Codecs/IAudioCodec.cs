namespace Tolk.Media.Codecs;

/// <summary>
/// Describes one RTP audio encoding. <see cref="ClockRate"/> is the RTP timestamp rate from SDP;
/// <see cref="SampleRate"/> is the PCM rate the codec consumes and produces, which differs for G.722
/// (RFC 3551 §4.5.2: clock 8000, audio 16000) and Opus (RFC 7587: clock 48000, any internal rate).
/// </summary>
/// <param name="EncodingName">SDP encoding name (PCMU, PCMA, G722, opus, telephone-event).</param>
/// <param name="ClockRate">RTP clock rate.</param>
/// <param name="SampleRate">PCM sample rate at the codec boundary.</param>
/// <param name="StaticPayloadType">Static payload type of RFC 3551, or -1 when dynamic.</param>
public sealed record AudioCodecInfo(string EncodingName, int ClockRate, int SampleRate, int StaticPayloadType)
{
    /// <summary>PCM samples in one 20 ms frame at <see cref="SampleRate"/>.</summary>
    public int FrameSamples => SampleRate / 50;

    /// <summary>RTP timestamp increment for one 20 ms frame.</summary>
    public int TimestampIncrement => ClockRate / 50;
}

/// <summary>Encodes PCM at <see cref="AudioCodecInfo.SampleRate"/> into RTP payloads. One instance per stream.</summary>
public interface IAudioEncoder : IDisposable
{
    /// <summary>The encoding.</summary>
    AudioCodecInfo Info { get; }

    /// <summary>
    /// Encodes one frame of <see cref="AudioCodecInfo.FrameSamples"/> samples (20 ms) into
    /// <paramref name="destination"/>; returns the payload length, or -1 if the buffer is too small
    /// or the frame has the wrong length.
    /// </summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> destination);
}

/// <summary>Decodes RTP payloads into PCM at <see cref="AudioCodecInfo.SampleRate"/>, with loss concealment. One instance per stream.</summary>
public interface IAudioDecoder : IDisposable
{
    /// <summary>The encoding.</summary>
    AudioCodecInfo Info { get; }

    /// <summary>Decodes one payload; returns the samples written, or -1 on a corrupt payload or a too small buffer.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>
    /// Synthesises <paramref name="pcm"/>.Length samples for a lost packet. When the codec carries
    /// redundancy (Opus in-band FEC) and <paramref name="nextPayload"/> is the packet after the loss,
    /// the lost audio is recovered from it. Returns the samples written.
    /// </summary>
    int Conceal(Span<short> pcm, ReadOnlySpan<byte> nextPayload = default);
}
