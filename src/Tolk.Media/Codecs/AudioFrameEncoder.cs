using System.Security.Cryptography;
using Tolk.Media.Resampling;

namespace Tolk.Media.Codecs;

/// <summary>
/// The send side of one stream: takes internal 20 ms frames of 16 kHz PCM (<see cref="AudioFormat"/>),
/// resamples to the codec's rate when needed, encodes, and keeps the RTP timestamp (which advances
/// by the codec's clock, e.g. 160 for G.722 and 960 for Opus per frame). Pair it with
/// <c>RtpSession.Send</c>. Not thread-safe: one mixer tick at a time.
/// </summary>
public sealed class AudioFrameEncoder : IDisposable
{
    private readonly IAudioEncoder _encoder;
    private readonly IAudioResampler? _resampler;
    private readonly short[] _codecFrame;

    /// <param name="encoder">The codec encoder (owned by this object from now on).</param>
    /// <param name="initialTimestamp">First RTP timestamp; random when null (RFC 3550 §5.1).</param>
    /// <param name="resamplerQuality">speexdsp quality 0..10 for rate conversion, unless the codec rate is exactly half or twice 16 kHz (G.711's 8 kHz uses the half-band filter, see <see cref="AudioResampler.Create"/>).</param>
    public AudioFrameEncoder(IAudioEncoder encoder, uint? initialTimestamp = null, int resamplerQuality = 5)
    {
        _encoder = encoder;
        if (encoder.Info.SampleRate != AudioFormat.SampleRate)
        {
            _resampler = AudioResampler.Create(AudioFormat.SampleRate, encoder.Info.SampleRate, resamplerQuality);
        }

        _codecFrame = new short[encoder.Info.FrameSamples];
        Timestamp = initialTimestamp ?? (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    /// <summary>The encoding.</summary>
    public AudioCodecInfo Info => _encoder.Info;

    /// <summary>RTP timestamp of the next frame to encode.</summary>
    public uint Timestamp { get; private set; }

    /// <summary>
    /// Encodes one internal frame (320 samples at 16 kHz). Returns the payload length (or -1 on failure)
    /// and the RTP timestamp of this payload; the timestamp advances even on failure so the receiver sees a gap, not a shift.
    /// </summary>
    public int Encode(ReadOnlySpan<short> frame, Span<byte> payload, out uint timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(frame.Length, AudioFormat.FrameSamples);
        timestamp = Timestamp;
        Timestamp += (uint)_encoder.Info.TimestampIncrement;
        ReadOnlySpan<short> pcm = frame;
        if (_resampler is not null)
        {
            var n = _resampler.Process(frame, _codecFrame);
            if (n < _codecFrame.Length)
            {
                // Only at start-up could the filter return less; pad so the frame length stays exact.
                _codecFrame.AsSpan(n).Clear();
            }

            pcm = _codecFrame;
        }

        return _encoder.Encode(pcm, payload);
    }

    /// <summary>Skips one frame's worth of timestamp (e.g. while sending DTMF or during hold).</summary>
    public void Skip() => Timestamp += (uint)_encoder.Info.TimestampIncrement;

    /// <inheritdoc />
    public void Dispose()
    {
        _encoder.Dispose();
        _resampler?.Dispose();
    }
}
