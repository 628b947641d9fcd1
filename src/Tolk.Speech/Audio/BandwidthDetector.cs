namespace Tolk.Speech.Audio;

/// <summary>
/// Tells telephone-band audio (a G.711 / 8 kHz caller resampled to 16 kHz) from wideband audio by the share of
/// energy above 4.7 kHz in the louder frames: an 8 kHz codec cannot carry anything above 4 kHz, so after
/// resampling that band holds only the resampler's leakage (≈ 60 dB down), while wideband speech keeps
/// fricatives and harmonics there.
/// </summary>
public sealed class BandwidthDetector
{
    private const int FftSize = 512;

    // Where "above the telephone band" starts. Not at 4 kHz: the conference's 8 → 16 kHz half-band resampler passes
    // 4.0–4.54 kHz as its transition band, and real 8 kHz recordings (unlike band-pass-filtered synthetic ones) have
    // speech right up to 4 kHz, so at 4.2 kHz real G.711 speech measured as wideband. From 4.7 kHz the resampler
    // leaves ≥ 90 dB of attenuation, and wideband speech still has its fricatives.
    private const double HighBandFromHz = 4700;
    private readonly double[] _re = new double[FftSize];
    private readonly double[] _im = new double[FftSize];
    private double _high;
    private double _total;

    /// <summary>Frames below this level (dBFS) are ignored: silence says nothing about the band.</summary>
    public double MinFrameDbfs { get; init; } = -45;

    /// <summary>
    /// Share of energy above 4.7 kHz below which the audio counts as narrowband (−60 dB). Measured on the first 15
    /// loud frames: flite wideband speech 1e-4 … 1e-1, the same through G.711 + speexdsp 8 → 16 kHz 4e-10 … 7e-8;
    /// real recorded prompts as G.722 4e-4 … 1e-2, the same recordings at 8 kHz through G.711 and the half-band
    /// resampler 5e-10 … 1.4e-9 (whole prompts, <c>RecordedSpeechTests</c>).
    /// </summary>
    public double NarrowbandShare { get; init; } = 1e-6;

    /// <summary>Loud frames analysed so far.</summary>
    public int LoudFrames { get; private set; }

    /// <summary>Energy above 4 kHz over all energy, in the loud frames so far (0 when none).</summary>
    public double HighBandShare => _total <= 0 ? 0 : _high / _total;

    /// <summary>True once loud frames were seen and their high band is (nearly) empty.</summary>
    public bool IsNarrowband => LoudFrames > 0 && HighBandShare < NarrowbandShare;

    /// <summary>Analyses 16 kHz audio, any length (cut into 20 ms frames; a short tail is ignored).</summary>
    public void Add(ReadOnlySpan<short> samples)
    {
        for (var o = 0; o + SpeechAudio.FrameSamples <= samples.Length; o += SpeechAudio.FrameSamples)
        {
            AddFrame(samples.Slice(o, SpeechAudio.FrameSamples));
        }
    }

    private void AddFrame(ReadOnlySpan<short> frame)
    {
        if (AudioMath.Dbfs(frame) < MinFrameDbfs)
        {
            return;
        }

        Array.Clear(_re);
        Array.Clear(_im);
        for (var i = 0; i < frame.Length; i++)
        {
            // Hann window: without it the frame edges leak low-band energy into the high band.
            _re[i] = frame[i] * (0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (frame.Length - 1))));
        }

        Fft.Transform(_re, _im);
        const double binHz = (double)SpeechAudio.SampleRate / FftSize;
        for (var k = 1; k < FftSize / 2; k++)
        {
            var power = (_re[k] * _re[k]) + (_im[k] * _im[k]);
            _total += power;
            if (k * binHz >= HighBandFromHz)
            {
                _high += power;
            }
        }

        LoudFrames++;
    }
}
