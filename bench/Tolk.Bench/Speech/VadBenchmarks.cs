using BenchmarkDotNet.Attributes;
using Tolk.Speech;
using Tolk.Speech.Local.Vad;

namespace Tolk.Bench.Speech;

/// <summary>
/// One 20 ms frame through each VAD, as a speaker pipeline runs it per frame: the spectral detector against Silero
/// on ONNX Runtime (one intra-op thread). Silero scores 512-sample chunks, so it runs the model on 5 of every 8
/// frames; the mean over many calls is its cost per 20 ms of audio. Needs the model (scripts/fetch-models.sh).
/// </summary>
[MemoryDiagnoser]
public class VadBenchmarks : IDisposable
{
    private const int Frames = 50; // 1 s of audio, cycled
    private readonly short[] _pcm = new short[SpeechAudio.FrameSamples * Frames];
    private SpectralVad _spectral = null!;
    private SileroVad _silero = null!;
    private int _frame;

    [GlobalSetup]
    public void Setup()
    {
        // A voiced-speech-like harmonic series under an on/off syllable envelope, over light noise: the costs do not
        // depend on the signal (Silero's network is fixed, the spectral VAD always takes its FFT), this only keeps
        // both detectors on their usual paths.
        var rng = new Random(1);
        for (var i = 0; i < _pcm.Length; i++)
        {
            var t = i / (double)SpeechAudio.SampleRate;
            var envelope = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
            var voiced = 0.0;
            for (var h = 1; h <= 10; h++)
            {
                voiced += Math.Sin(2 * Math.PI * 140 * h * t) / h;
            }

            _pcm[i] = (short)((4000 * envelope * voiced) + (200 * (rng.NextDouble() - 0.5)));
        }

        _spectral = new SpectralVad();
        if (!SileroVad.TryCreate(null, out var silero, out var whyNot))
        {
            throw new InvalidOperationException($"{whyNot}; run scripts/fetch-models.sh first");
        }

        _silero = silero!;
    }

    [Benchmark(Baseline = true, Description = "spectral")]
    public float Spectral() => _spectral.Process(Next());

    [Benchmark(Description = "silero (onnxruntime, 1 thread)")]
    public float Silero() => _silero.Process(Next());

    public void Dispose()
    {
        _silero?.Dispose();
        GC.SuppressFinalize(this);
    }

    private ReadOnlySpan<short> Next()
    {
        var f = _frame++ % Frames;
        return _pcm.AsSpan(f * SpeechAudio.FrameSamples, SpeechAudio.FrameSamples);
    }
}
