namespace Tolk.Media.Codecs;

/// <summary>
/// Creates encoders and decoders by SDP encoding name (case-insensitive, RFC 4566 §6 rtpmap).
/// The SIP/SDP layer negotiates; this registry only maps a chosen rtpmap to an implementation.
/// </summary>
public sealed class CodecRegistry
{
    /// <summary>PCMU, RFC 3551 static payload type 0.</summary>
    public static readonly AudioCodecInfo Pcmu = new("PCMU", 8000, 8000, 0);

    /// <summary>PCMA, RFC 3551 static payload type 8.</summary>
    public static readonly AudioCodecInfo Pcma = new("PCMA", 8000, 8000, 8);

    /// <summary>G722, RFC 3551 static payload type 9 (clock 8000, audio 16000).</summary>
    public static readonly AudioCodecInfo G722 = new("G722", 8000, 16000, 9);

    /// <summary>opus, RFC 7587 (dynamic payload type, clock 48000, two channels declared in SDP).</summary>
    public static readonly AudioCodecInfo Opus = new("opus", 48000, AudioFormat.SampleRate, -1);

    /// <summary>telephone-event, RFC 4733 (dynamic payload type; usually 8000 Hz clock).</summary>
    public static readonly AudioCodecInfo TelephoneEvent = new("telephone-event", 8000, 8000, -1);

    private readonly OpusOptions _opusOptions;

    /// <summary>Creates a registry; <paramref name="opusOptions"/> applies to every Opus encoder it creates.</summary>
    public CodecRegistry(OpusOptions? opusOptions = null)
    {
        _opusOptions = opusOptions ?? OpusOptions.Default;
    }

    /// <summary>The audio encodings this registry can create, in a sensible order of preference for offers.</summary>
    public static IReadOnlyList<AudioCodecInfo> Supported { get; } = [Opus, G722, Pcmu, Pcma];

    /// <summary>Looks up an encoding by SDP name and clock rate.</summary>
    public static bool TryGetInfo(string encodingName, int clockRate, out AudioCodecInfo info)
    {
        foreach (var candidate in (AudioCodecInfo[])[Opus, G722, Pcmu, Pcma, TelephoneEvent])
        {
            if (string.Equals(candidate.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase)
                && (candidate.ClockRate == clockRate || (candidate == TelephoneEvent && clockRate > 0)))
            {
                info = candidate == TelephoneEvent ? candidate with { ClockRate = clockRate, SampleRate = clockRate } : candidate;
                return true;
            }
        }

        info = Pcmu;
        return false;
    }

    /// <summary>Creates an encoder for an audio encoding; false for unknown names and for telephone-event (see <c>Tolk.Media.Dtmf</c>).</summary>
    public bool TryCreateEncoder(string encodingName, int clockRate, out IAudioEncoder? encoder)
    {
        encoder = null;
        if (!TryGetInfo(encodingName, clockRate, out var info))
        {
            return false;
        }

        encoder = info.EncodingName switch
        {
            "PCMU" => new G711Encoder(aLaw: false),
            "PCMA" => new G711Encoder(aLaw: true),
            "G722" => new G722Encoder(),
            "opus" => new OpusEncoder(_opusOptions),
            _ => null,
        };
        return encoder is not null;
    }

    /// <summary>Creates a decoder for an audio encoding; false for unknown names and telephone-event.</summary>
    public bool TryCreateDecoder(string encodingName, int clockRate, out IAudioDecoder? decoder)
    {
        decoder = null;
        if (!TryGetInfo(encodingName, clockRate, out var info))
        {
            return false;
        }

        decoder = info.EncodingName switch
        {
            "PCMU" => new G711Decoder(aLaw: false),
            "PCMA" => new G711Decoder(aLaw: true),
            "G722" => new G722Decoder(),
            "opus" => new OpusDecoder(_opusOptions.SampleRate),
            _ => null,
        };
        return decoder is not null;
    }
}
