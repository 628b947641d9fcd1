using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Tolk.Media.Mixing;

namespace Tolk.Bench.Mixing;

/// <summary>The per-frame building blocks of a tick (320 samples each).</summary>
[Config(typeof(KernelConfig))]
public class MixerKernelBenchmarks
{
    private readonly short[] _pcm = new short[320];
    private readonly short[] _out = new short[320];
    private readonly int[] _acc = new int[320];
    private readonly int[] _contribution = new int[320];
    private readonly int[] _loud = new int[320];
    private float _gain = 1f;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < 320; i++)
        {
            _pcm[i] = (short)rng.Next(-8000, 8000);
            _loud[i] = rng.Next(-90_000, 90_000);
        }
    }

    [Benchmark(Description = "energy (talk detection)")]
    public long SumOfSquares() => PcmKernels.SumOfSquares(_pcm);

    [Benchmark(Description = "widen + accumulate (one talker)")]
    public void WidenAndAccumulate() => PcmKernels.WidenAndAccumulate(_contribution, _acc, _pcm);

    [Benchmark(Description = "mix-minus (total − self)")]
    public void Subtract() => PcmKernels.Subtract(_acc, _acc, _contribution);

    [Benchmark(Description = "limiter at rest (exact path)")]
    public int LimiterExact()
    {
        _gain = 1f;
        return PeakLimiter.Process(_contribution, _out, ref _gain);
    }

    [Benchmark(Description = "limiter overloaded (gain path)")]
    public int LimiterOverload()
    {
        _gain = 0.5f;
        return PeakLimiter.Process(_loud, _out, ref _gain);
    }

    private sealed class KernelConfig : ManualConfig
    {
        public KernelConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
