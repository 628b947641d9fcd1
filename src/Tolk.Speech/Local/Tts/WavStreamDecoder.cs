using System.Buffers.Binary;
using Tolk.Speech.Audio;

namespace Tolk.Speech.Local.Tts;

/// <summary>
/// Turns a WAV byte stream arriving in pieces (a synthesiser's stdout) into 16 kHz PCM chunks: parses the header,
/// then converts and resamples each piece as soon as it arrives.
/// </summary>
internal sealed class WavStreamDecoder
{
    private readonly List<byte> _header = [];
    private PcmResampler? _resampler;
    private bool _headerDone;
    private int _channels = 1;
    private byte? _oddByte;

    public int SourceRate { get; private set; }

    /// <summary>Feeds bytes; returns 16 kHz samples ready so far (possibly empty).</summary>
    public short[] Feed(ReadOnlySpan<byte> bytes)
    {
        if (!_headerDone)
        {
            foreach (var b in bytes)
            {
                _header.Add(b);
            }

            var all = _header.ToArray();
            if (!WavFile.TryParseHeader(all, out var rate, out var channels, out var offset, out _))
            {
                if (_header.Count > 4096)
                {
                    throw new SpeechProviderException("Synthesiser output is not a 16-bit PCM WAV stream.");
                }

                return [];
            }

            _headerDone = true;
            SourceRate = rate;
            _channels = channels;
            _resampler = new PcmResampler(rate, SpeechAudio.SampleRate);
            return Convert(all.AsSpan(offset));
        }

        return Convert(bytes);
    }

    /// <summary>Returns the resampler's tail.</summary>
    public short[] Finish() => _resampler?.Finish() ?? [];

    private short[] Convert(ReadOnlySpan<byte> bytes)
    {
        Span<byte> joined = bytes.Length + 1 <= 65536 ? stackalloc byte[bytes.Length + 1] : new byte[bytes.Length + 1];
        var n = 0;
        if (_oddByte is { } odd)
        {
            joined[n++] = odd;
            _oddByte = null;
        }

        bytes.CopyTo(joined[n..]);
        n += bytes.Length;
        var frameBytes = 2 * _channels;
        var usable = n - (n % frameBytes);
        if (usable < n)
        {
            // Only the single-byte split case is kept; multi-channel leftovers are rare enough to drop.
            _oddByte = joined[usable];
        }

        var frames = usable / frameBytes;
        var pcm = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0;
            for (var c = 0; c < _channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(joined[(((i * _channels) + c) * 2)..]);
            }

            pcm[i] = (short)(sum / _channels);
        }

        return _resampler!.Process(pcm);
    }
}
