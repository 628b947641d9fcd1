namespace Tolk.Speech.Audio;

/// <summary>
/// Streaming band-limited resampler (windowed sinc, Blackman window) for 16-bit mono PCM. Chunks may be any size;
/// the output is continuous across chunks. Not thread-safe.
/// </summary>
public sealed class PcmResampler
{
    private const int HalfTaps = 16;
    private readonly double _ratio; // input samples per output sample
    private readonly double _cutoff; // relative to input Nyquist
    private readonly List<float> _history = new(4096);
    private double _position; // next output position, in input samples relative to _history[0]

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    public PcmResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _ratio = (double)inputRate / outputRate;
        _cutoff = Math.Min(1.0, (double)outputRate / inputRate) * 0.92;
        // Left padding so the first output sample sees a full (zero) history.
        for (var i = 0; i < HalfTaps; i++)
        {
            _history.Add(0);
        }

        _position = HalfTaps;
    }

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
        var taps = (int)Math.Ceiling(HalfTaps / _cutoff);
        while (_position + Math.Max(lookahead, taps) < _history.Count)
        {
            var center = (int)Math.Floor(_position);
            var frac = _position - center;
            double acc = 0;
            double norm = 0;
            for (var k = -taps + 1; k <= taps; k++)
            {
                var idx = center + k;
                if (idx < 0 || idx >= _history.Count)
                {
                    continue;
                }

                var x = k - frac;
                var w = Kernel(x, taps);
                acc += _history[idx] * w;
                norm += w;
            }

            var v = norm > 0 ? acc / norm : 0;
            output.Add((short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue));
            _position += _ratio;
        }

        // Drop consumed history, keeping enough for the kernel.
        var drop = (int)Math.Floor(_position) - taps - 1;
        if (drop > 0)
        {
            _history.RemoveRange(0, drop);
            _position -= drop;
        }

        return output.ToArray();
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
