using BenchmarkDotNet.Attributes;
using Tolk.Media.Codecs;

namespace Tolk.Bench.Media;

/// <summary>Encode + decode of one 20 ms frame per codec (the per-participant cost per mixer tick).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks : IDisposable
{
    private readonly short[] _pcm8 = new short[160];
    private readonly short[] _pcm16 = new short[320];
    private readonly short[] _out = new short[960];
    private readonly byte[] _payload = new byte[1500];
    private G711Encoder _pcmuEncoder = null!;
    private G711Decoder _pcmuDecoder = null!;
    private G722Encoder _g722Encoder = null!;
    private G722Decoder _g722Decoder = null!;
    private OpusEncoder _opusEncoder = null!;
    private OpusDecoder _opusDecoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _pcm16.Length; i++)
        {
            _pcm16[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000) + (3000 * Math.Sin(2 * Math.PI * 1700 * i / 16000)));
        }

        for (var i = 0; i < _pcm8.Length; i++)
        {
            _pcm8[i] = _pcm16[i * 2];
        }

        _pcmuEncoder = new G711Encoder(aLaw: false);
        _pcmuDecoder = new G711Decoder(aLaw: false);
        _g722Encoder = new G722Encoder();
        _g722Decoder = new G722Decoder();
        _opusEncoder = new OpusEncoder();
        _opusDecoder = new OpusDecoder();
    }

    [Benchmark]
    public int Pcmu()
    {
        var n = _pcmuEncoder.Encode(_pcm8, _payload);
        return _pcmuDecoder.Decode(_payload.AsSpan(0, n), _out);
    }

    [Benchmark]
    public int G722()
    {
        var n = _g722Encoder.Encode(_pcm16, _payload);
        return _g722Decoder.Decode(_payload.AsSpan(0, n), _out);
    }

    [Benchmark]
    public int Opus16kHz24kbps()
    {
        var n = _opusEncoder.Encode(_pcm16, _payload);
        return _opusDecoder.Decode(_payload.AsSpan(0, n), _out);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _pcmuDecoder?.Dispose();
        _g722Encoder?.Dispose();
        _g722Decoder?.Dispose();
        _opusEncoder?.Dispose();
        _opusDecoder?.Dispose();
        GC.SuppressFinalize(this);
    }
}
