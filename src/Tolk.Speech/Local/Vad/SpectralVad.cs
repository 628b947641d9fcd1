using Tolk.Speech.Audio;

namespace Tolk.Speech.Local.Vad;

/// <summary>Settings of <see cref="SpectralVad"/>.</summary>
public sealed class SpectralVadOptions
{
    /// <summary>SNR above the tracked noise floor (dB) at which speech probability reaches 0.5.</summary>
    public double SnrThresholdDb { get; set; } = 10;

    /// <summary>Frames quieter than this (dBFS) are never speech.</summary>
    public double AbsoluteFloorDbfs { get; set; } = -55;
}

/// <summary>
/// A VAD built from measured features rather than a model: frame energy against an adaptive noise floor,
/// spectral flatness (speech is peaky, stationary noise is flat), and the share of energy in the 200–3400 Hz
/// speech band. It needs no download and runs in microseconds per frame; its weaker spot is loud non-stationary
/// noise (music, babble), where a trained model (Silero) would do better.
/// </summary>
public sealed class SpectralVad : IVoiceActivityDetector
{
    private const int FftSize = 512;
    private readonly SpectralVadOptions _options;
    private readonly double[] _window = new double[SpeechAudio.FrameSamples];
    private readonly double[] _re = new double[FftSize];
    private readonly double[] _im = new double[FftSize];
    private double _noiseDb = -70;
    private int _frames;

    /// <summary>Creates a detector.</summary>
    public SpectralVad(SpectralVadOptions? options = null)
    {
        _options = options ?? new SpectralVadOptions();
        for (var i = 0; i < _window.Length; i++)
        {
            _window[i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (_window.Length - 1)));
        }
    }

    /// <inheritdoc />
    public int FrameSamples => SpeechAudio.FrameSamples;

    /// <summary>The current noise floor estimate (dBFS).</summary>
    public double NoiseFloorDb => _noiseDb;

    /// <inheritdoc />
    public float Process(ReadOnlySpan<short> frame)
    {
        if (frame.Length == 0)
        {
            return 0;
        }

        var db = AudioMath.Dbfs(frame);
        var (flatness, bandShare) = Spectrum(frame);
        _frames++;

        // Noise floor: follows drops quickly, rises slowly (≈ 3 dB/s) so speech does not pull it up.
        if (db < _noiseDb || _frames <= 5)
        {
            _noiseDb = _frames <= 5 ? Math.Min(_noiseDb == -70 ? db : _noiseDb, db) : (0.7 * _noiseDb) + (0.3 * db);
        }
        else
        {
            _noiseDb += 0.06;
        }

        _noiseDb = Math.Max(_noiseDb, -90);
        if (db < _options.AbsoluteFloorDbfs)
        {
            return 0;
        }

        var snr = db - _noiseDb;
        var energyScore = Sigmoid((snr - _options.SnrThresholdDb) / 2.5);
        // Voiced speech has a flatness well under 0.3; white noise sits near 0.6–0.9 with this estimator.
        var toneScore = Sigmoid((0.45 - flatness) / 0.08);
        var bandScore = Sigmoid((bandShare - 0.5) / 0.1);
        var p = energyScore * ((0.6 * toneScore) + (0.4 * bandScore));
        return (float)Math.Clamp(p * 1.25, 0, 1);
    }

    /// <inheritdoc />
    public void Reset()
    {
        _noiseDb = -70;
        _frames = 0;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private (double Flatness, double BandShare) Spectrum(ReadOnlySpan<short> frame)
    {
        Array.Clear(_re);
        Array.Clear(_im);
        var n = Math.Min(frame.Length, _window.Length);
        for (var i = 0; i < n; i++)
        {
            _re[i] = frame[i] * _window[i];
        }

        Fft.Transform(_re, _im);
        double logSum = 0, sum = 0, band = 0;
        var bins = 0;
        const double binHz = (double)SpeechAudio.SampleRate / FftSize;
        for (var k = 1; k < FftSize / 2; k++)
        {
            var power = (_re[k] * _re[k]) + (_im[k] * _im[k]) + 1e-3;
            var hz = k * binHz;
            if (hz is >= 200 and <= 3400)
            {
                band += power;
            }

            if (hz is >= 100 and <= 6000)
            {
                logSum += Math.Log(power);
                sum += power;
                bins++;
            }
        }

        var flatness = Math.Exp(logSum / bins) / (sum / bins);
        var total = 0.0;
        for (var k = 1; k < FftSize / 2; k++)
        {
            total += (_re[k] * _re[k]) + (_im[k] * _im[k]);
        }

        return (flatness, total <= 0 ? 0 : band / total);
    }
}
