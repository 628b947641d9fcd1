using BenchmarkDotNet.Attributes;
using Tolk.Media.Resampling;
using Tolk.Media.Rtp;
using Tolk.Media.Srtp;

namespace Tolk.Bench.Media;

/// <summary>Per-packet costs on the RTP path: parse, SRTP protect/unprotect, resampling of one frame.</summary>
[MemoryDiagnoser]
public class RtpBenchmarks : IDisposable
{
    private readonly byte[] _packet = new byte[256];
    private readonly byte[] _work = new byte[256];
    private readonly short[] _pcm8 = new short[160];
    private readonly short[] _pcm16 = new short[320];
    private int _length;
    private SrtpContext _tx = null!;
    private SrtpContext _txGcm = null!;
    private SpeexResampler _resampler = null!;
    private ushort _seq;

    [GlobalSetup]
    public void Setup()
    {
        new RtpHeader(0, 1, 160, 0x12345678).TryWrite(_packet, new byte[160], out _length);
        _tx = SrtpContext.CreateOutbound(SrtpProfile.AesCm128HmacSha1_80, SrtpProfiles.GenerateKey(SrtpProfile.AesCm128HmacSha1_80));
        _txGcm = SrtpContext.CreateOutbound(SrtpProfile.AeadAes128Gcm, SrtpProfiles.GenerateKey(SrtpProfile.AeadAes128Gcm));
        _resampler = new SpeexResampler(8000, 16000, 5);
    }

    [Benchmark]
    public int RtpParse()
    {
        RtpPacket.TryParse(_packet.AsSpan(0, _length), out var p);
        return p.Payload.Length + p.SequenceNumber;
    }

    [Benchmark]
    public int RtpWrite() =>
        new RtpHeader(0, _seq++, 160, 0x12345678).TryWrite(_work, _packet.AsSpan(12, 160), out var n) ? n : 0;

    [Benchmark]
    public int SrtpProtectAesCm80()
    {
        // Fresh sequence numbers so libsrtp's outbound replay check never refuses.
        new RtpHeader(0, _seq++, 160, 0x12345678).TryWrite(_work, _packet.AsSpan(12, 160), out var n);
        _tx.ProtectRtp(_work, n, out var p);
        return p;
    }

    [Benchmark]
    public int SrtpProtectAeadGcm()
    {
        new RtpHeader(0, _seq++, 160, 0x12345678).TryWrite(_work, _packet.AsSpan(12, 160), out var n);
        _txGcm.ProtectRtp(_work, n, out var p);
        return p;
    }

    [Benchmark]
    public int Resample8To16kFrame() => _resampler.Process(_pcm8, _pcm16);

    [GlobalCleanup]
    public void Dispose()
    {
        _tx?.Dispose();
        _txGcm?.Dispose();
        _resampler?.Dispose();
        GC.SuppressFinalize(this);
    }
}
