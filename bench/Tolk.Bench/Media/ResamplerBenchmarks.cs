using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tolk.Media.Resampling;

namespace Tolk.Bench.Media;

/// <summary>
/// One 20 ms frame through each G.711 resampler, as the jitter buffer (8 → 16 kHz) and the frame encoder
/// (16 → 8 kHz) run it per participant per tick: speexdsp at quality 3 (the conference default) against the
/// half-band filter that <see cref="AudioResampler.Create"/> now picks for exact 2:1 ratios.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResamplerBenchmarks : IDisposable
{
    private const int Frames = 50; // 1 s of audio, cycled so that each call sees new samples (and the state moves on)

    private readonly short[] _pcm8 = new short[160 * Frames];
    private readonly short[] _pcm16 = new short[320 * Frames];
    private readonly short[] _out = new short[640];
    private SpeexResampler _speexUp = null!;
    private SpeexResampler _speexDown = null!;
    private HalfBandResampler _halfBandUp = null!;
    private HalfBandResampler _halfBandDown = null!;
    private int _frame;

    [GlobalSetup]
    public void Setup()
    {
        // Two voice-band tones: the costs do not depend on the signal, this only keeps the data realistic.
        for (var i = 0; i < _pcm16.Length; i++)
        {
            _pcm16[i] = (short)((8000 * Math.Sin(2 * Math.PI * 440 * i / 16000)) + (3000 * Math.Sin(2 * Math.PI * 1700 * i / 16000)));
        }

        for (var i = 0; i < _pcm8.Length; i++)
        {
            _pcm8[i] = _pcm16[i * 2];
        }

        _speexUp = new SpeexResampler(8000, 16000, 3);
        _speexDown = new SpeexResampler(16000, 8000, 3);
        _halfBandUp = new HalfBandResampler(8000, 16000);
        _halfBandDown = new HalfBandResampler(16000, 8000);
    }

    [Benchmark(Baseline = true, Description = "speexdsp q3")]
    [BenchmarkCategory("8→16 kHz")]
    public int SpeexUp() => _speexUp.Process(Next8(), _out);

    [Benchmark(Description = "half-band")]
    [BenchmarkCategory("8→16 kHz")]
    public int HalfBandUp() => _halfBandUp.Process(Next8(), _out);

    [Benchmark(Baseline = true, Description = "speexdsp q3")]
    [BenchmarkCategory("16→8 kHz")]
    public int SpeexDown() => _speexDown.Process(Next16(), _out);

    [Benchmark(Description = "half-band")]
    [BenchmarkCategory("16→8 kHz")]
    public int HalfBandDown() => _halfBandDown.Process(Next16(), _out);

    [GlobalCleanup]
    public void Dispose()
    {
        _speexUp?.Dispose();
        _speexDown?.Dispose();
        _halfBandUp?.Dispose();
        _halfBandDown?.Dispose();
        GC.SuppressFinalize(this);
    }

    private ReadOnlySpan<short> Next8()
    {
        _frame = (_frame + 1) % Frames;
        return _pcm8.AsSpan(_frame * 160, 160);
    }

    private ReadOnlySpan<short> Next16()
    {
        _frame = (_frame + 1) % Frames;
        return _pcm16.AsSpan(_frame * 320, 320);
    }
}
