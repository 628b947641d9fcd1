using BenchmarkDotNet.Attributes;
using Tolk.Media.Codecs;

namespace Tolk.Bench.Media;

/// <summary>
/// Opus encode and decode of one 20 ms frame of speech-like audio at the conference settings (16 kHz,
/// 24 kbit/s, FEC) for several encoder complexities: everyone talking means one decode and one
/// personal encode per caller per tick, so this is the floor of an Opus caller's cost.
/// </summary>
[MemoryDiagnoser]
public class OpusComplexityBenchmarks : IDisposable
{
    private readonly short[][] _frames = new short[50][];
    private readonly short[] _out = new short[960];
    private readonly byte[] _payload = new byte[1500];
    private readonly byte[][] _encoded = new byte[50][];
    private OpusEncoder _encoder = null!;
    private OpusDecoder _decoder = null!;
    private int _next;

    [Params(1, 3, 5, 8)]
    public int Complexity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A second of voiced, gliding, amplitude-modulated harmonics: speech-like enough for SILK's analysis.
        var random = new Random(1);
        for (var f = 0; f < _frames.Length; f++)
        {
            _frames[f] = new short[320];
            for (var i = 0; i < 320; i++)
            {
                var t = ((f * 320) + i) / 16000.0;
                var pitch = 120 + (30 * Math.Sin(2 * Math.PI * 0.7 * t));
                var envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 3 * t));
                double sample = 0;
                for (var h = 1; h <= 12; h++)
                {
                    sample += Math.Sin(2 * Math.PI * pitch * h * t) / h;
                }
                _frames[f][i] = (short)((6000 * envelope * sample) + (200 * (random.NextDouble() - 0.5)));
            }
        }
        _encoder = new OpusEncoder(OpusOptions.Default with { Complexity = Complexity });
        _decoder = new OpusDecoder();
        for (var f = 0; f < _frames.Length; f++)
        {
            var n = _encoder.Encode(_frames[f], _payload);
            _encoded[f] = _payload.AsSpan(0, n).ToArray();
        }
    }

    [Benchmark]
    public int Encode()
    {
        _next = (_next + 1) % _frames.Length;
        return _encoder.Encode(_frames[_next], _payload);
    }

    [Benchmark]
    public int Decode()
    {
        _next = (_next + 1) % _frames.Length;
        return _decoder.Decode(_encoded[_next], _out);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _encoder?.Dispose();
        _decoder?.Dispose();
        GC.SuppressFinalize(this);
    }
}
