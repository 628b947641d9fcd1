namespace Tolk.Speech.Audio;

/// <summary>
/// Streaming band-limited resampler (windowed sinc, Blackman window) for 16-bit mono PCM. Chunks may be any size;
/// the output is continuous across chunks. Not thread-safe.
/// </summary>
public sealed class PcmResampler
{
    private const int HalfTaps = 16;

    /// <summary>Largest number of distinct fractional positions worth a table (22.05 → 16 kHz has 320).</summary>
    private const int MaxTablePhases = 4096;

    private readonly double _cutoff; // relative to input Nyquist
    private readonly int _taps;
    private readonly List<float> _history = new(4096);

    // Positions are exact: in units of 1/_step input samples, advancing by _advance per output sample, so the
    // fractional part only takes _step values and the windowed-sinc weights of each can be computed once
    // (three transcendental calls per tap per output sample were most of a TTS stream's resampling cost).
    private readonly long _step;
    private readonly long _advance;
    private readonly double[]? _table; // [phase * (2 * _taps) + tap], already normalised
    private long _position; // next output position, in 1/_step input samples relative to _history[0]

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    public PcmResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _cutoff = Math.Min(1.0, (double)outputRate / inputRate) * 0.92;
        _taps = (int)Math.Ceiling(HalfTaps / _cutoff);
        var gcd = Gcd(inputRate, outputRate);
        _step = outputRate / gcd;
        _advance = inputRate / gcd;
        if (_step <= MaxTablePhases)
        {
            _table = new double[_step * 2 * _taps];
            for (var phase = 0; phase < _step; phase++)
            {
                var weights = _table.AsSpan(phase * 2 * _taps, 2 * _taps);
                var frac = (double)phase / _step;
                double norm = 0;
                for (var k = -_taps + 1; k <= _taps; k++)
                {
                    weights[k + _taps - 1] = Kernel(k - frac, _taps);
                    norm += weights[k + _taps - 1];
                }

                for (var i = 0; i < weights.Length; i++)
                {
                    weights[i] = norm > 0 ? weights[i] / norm : 0;
                }
            }
        }

        // Left padding so the first output sample sees a full (zero) history.
        for (var i = 0; i < HalfTaps; i++)
        {
            _history.Add(0);
        }

        _position = HalfTaps * _step;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Input sample rate.</summary>
    public int InputRate { get; }

    /// <summary>Output sample rate.</summary>
    public int OutputRate { get; }

    /// <summary>Resamples a whole buffer in one go.</summary>
    public static short[] Resample(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var r = new PcmResampler(inputRate, outputRate);
        var a = r.Process(input);
        var b = r.Finish();
        var all = new short[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        return all;
    }

    /// <summary>Feeds input; returns the output samples that can be computed so far.</summary>
    public short[] Process(ReadOnlySpan<short> input)
    {
        if (InputRate == OutputRate)
        {
            return input.ToArray();
        }

        foreach (var s in input)
        {
            _history.Add(s);
        }

        return Drain(HalfTaps);
    }

    /// <summary>Flushes the tail (pads with silence).</summary>
    public short[] Finish()
    {
        if (InputRate == OutputRate)
        {
            return [];
        }

        for (var i = 0; i < HalfTaps; i++)
        {
            _history.Add(0);
        }

        return Drain(HalfTaps);
    }

    private short[] Drain(int lookahead)
    {
        var output = new List<short>();
        var taps = _taps;
        while ((_position / _step) + Math.Max(lookahead, taps) < _history.Count)
        {
            var center = (int)(_position / _step);
            var phase = (int)(_position % _step);
            var first = center - taps + 1;
            double v;
            if (_table is not null && first >= 0 && center + taps < _history.Count)
            {
                var weights = _table.AsSpan(phase * 2 * taps, 2 * taps);
                double acc = 0;
                for (var i = 0; i < weights.Length; i++)
                {
                    acc += _history[first + i] * weights[i];
                }

                v = acc;
            }
            else
            {
                v = Direct(center, (double)phase / _step);
            }

            output.Add((short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue));
            _position += _advance;
        }

        // Drop consumed history, keeping enough for the kernel.
        var drop = (int)(_position / _step) - taps - 1;
        if (drop > 0)
        {
            _history.RemoveRange(0, drop);
            _position -= drop * _step;
        }

        return output.ToArray();
    }

    /// <summary>The kernel evaluated in place: for the edges of the history and for rate pairs with too many phases for a table.</summary>
    private double Direct(int center, double frac)
    {
        double acc = 0;
        double norm = 0;
        for (var k = -_taps + 1; k <= _taps; k++)
        {
            var idx = center + k;
            if (idx < 0 || idx >= _history.Count)
            {
                continue;
            }

            var w = Kernel(k - frac, _taps);
            acc += _history[idx] * w;
            norm += w;
        }

        return norm > 0 ? acc / norm : 0;
    }

    private double Kernel(double x, int taps)
    {
        var t = x * _cutoff;
        var sinc = Math.Abs(t) < 1e-9 ? 1.0 : Math.Sin(Math.PI * t) / (Math.PI * t);
        var n = (x + taps) / (2.0 * taps);
        if (n is < 0 or > 1)
        {
            return 0;
        }

        var window = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n)) + (0.08 * Math.Cos(4 * Math.PI * n));
        return sinc * window;
    }
}
