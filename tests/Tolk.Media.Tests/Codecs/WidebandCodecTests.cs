using Tolk.Media.Codecs;

namespace Tolk.Media.Tests.Codecs;

public class WidebandCodecTests
{
    private static short[] RunThrough(IAudioEncoder encoder, IAudioDecoder decoder, short[] signal, List<int>? payloadSizes = null)
    {
        var frame = encoder.Info.FrameSamples;
        var output = new short[signal.Length];
        var payload = new byte[1500];
        for (var i = 0; i + frame <= signal.Length; i += frame)
        {
            var n = encoder.Encode(signal.AsSpan(i, frame), payload);
            Assert.True(n > 0);
            payloadSizes?.Add(n);
            Assert.Equal(frame, decoder.Decode(payload.AsSpan(0, n), output.AsSpan(i, frame)));
        }

        return output;
    }

    [Fact]
    public void G722_has_rfc3551_clock_quirk_and_round_trips_tones_and_chirps()
    {
        Assert.True(new CodecRegistry().TryCreateEncoder("g722", 8000, out var encoder));
        Assert.True(new CodecRegistry().TryCreateDecoder("G722", 8000, out var decoder));
        using (encoder)
        using (decoder)
        {
            Assert.Equal(8000, encoder!.Info.ClockRate);
            Assert.Equal(16000, encoder.Info.SampleRate);
            Assert.Equal(320, encoder.Info.FrameSamples);
            Assert.Equal(160, encoder.Info.TimestampIncrement);
            var sizes = new List<int>();
            var tone = Signals.Tone(1000, 16000, 16000);
            var decoded = RunThrough(encoder, decoder!, tone, sizes);
            Assert.All(sizes, s => Assert.Equal(160, s)); // 64 kbit/s
            var snr = Signals.Snr(tone, decoded, 64, skip: 320);
            Assert.True(snr > 20, $"G.722 tone SNR {snr:F1} dB");
            var chirp = Signals.Chirp(100, 7000, 16000, 16000);
            var chirpOut = RunThrough(encoder, decoder!, chirp);
            var chirpSnr = Signals.Snr(chirp, chirpOut, 64, skip: 320);
            Assert.True(chirpSnr > 12, $"G.722 chirp SNR {chirpSnr:F1} dB");
        }
    }

    [Fact]
    public void G722_and_g711_speech_snr()
    {
        var speech16 = Signals.Speech(16000);
        Assert.NotNull(speech16);
        using var g722e = new G722Encoder();
        using var g722d = new G722Decoder();
        var g722 = Signals.Snr(speech16, RunThrough(g722e, g722d, speech16[..(speech16.Length / 320 * 320)]), 64, skip: 320);
        Assert.True(g722 > 20, $"G.722 speech SNR {g722:F1} dB");

        var speech8 = Signals.Speech(8000)!;
        using var pcmae = new G711Encoder(aLaw: true);
        using var pcmad = new G711Decoder(aLaw: true);
        var pcma = Signals.Snr(speech8, RunThrough(pcmae, pcmad, speech8[..(speech8.Length / 160 * 160)]), 0);
        Assert.True(pcma > 32, $"PCMA speech SNR {pcma:F1} dB");
    }

    [Fact]
    public void G722_keeps_wideband_content_that_g711_cannot_carry()
    {
        using var encoder = new G722Encoder();
        using var decoder = new G722Decoder();
        var tone = Signals.Tone(6000, 16000, 16000);
        var decoded = RunThrough(encoder, decoder, tone);
        Assert.InRange(Signals.DominantFrequency(decoded.AsSpan(1600), 16000, 4100, 7900), 5990, 6010);
        Assert.True(Signals.Rms(decoded.AsSpan(1600)) > 0.5 * Signals.Rms(tone));
    }

    [Fact]
    public void G722_plc_fills_a_gap_with_the_signal()
    {
        using var encoder = new G722Encoder();
        using var decoder = new G722Decoder();
        var tone = Signals.Tone(300, 16000, 16000);
        var payload = new byte[160];
        var frame = new short[320];
        for (var i = 0; i < 10; i++)
        {
            encoder.Encode(tone.AsSpan(i * 320, 320), payload);
            decoder.Decode(payload, frame);
        }

        Assert.Equal(320, decoder.Conceal(frame));
        Assert.True(Signals.Rms(frame) > 0.4 * Signals.Rms(tone));
        Assert.InRange(Signals.DominantFrequency(frame, 16000, 100, 1000), 280, 320);
    }

    [Theory]
    [InlineData(16000, 24000)]
    [InlineData(48000, 32000)]
    [InlineData(8000, 12000)]
    public void Opus_round_trips_a_tone(int rate, int bitrate)
    {
        using var encoder = new OpusEncoder(new OpusOptions(rate, bitrate));
        using var decoder = new OpusDecoder(rate);
        Assert.Equal(48000, encoder.Info.ClockRate);
        Assert.Equal(960, encoder.Info.TimestampIncrement);
        Assert.Equal(rate / 50, encoder.Info.FrameSamples);
        var tone = Signals.Tone(440, rate, rate * 2);
        var decoded = RunThrough(encoder, decoder, tone);
        // Opus is perceptual, not waveform-exact: demand the tone back at the right frequency and level.
        var tail = decoded.AsSpan(rate / 2);
        Assert.InRange(Signals.DominantFrequency(tail[..(rate / 5)], rate, 100, 3000), 430, 450);
        Assert.InRange(Signals.Rms(tail), 0.7 * Signals.Rms(tone), 1.3 * Signals.Rms(tone));
        var snr = Signals.Snr(tone.AsSpan(0, rate), decoded, rate / 50, skip: rate / 2);
        Assert.True(snr > 10, $"Opus tone SNR {snr:F1} dB");
    }

    [Fact]
    public void Opus_bitrate_is_configurable_and_payload_size_follows()
    {
        var speech = Signals.Speech(16000) ?? Signals.Chirp(200, 4000, 16000, 48000);
        int MeanSize(int bitrate)
        {
            using var encoder = new OpusEncoder(new OpusOptions(Bitrate: bitrate, InbandFec: false));
            using var decoder = new OpusDecoder();
            Assert.InRange(encoder.Bitrate, bitrate - 1, bitrate + 1);
            var sizes = new List<int>();
            RunThrough(encoder, decoder, speech, sizes);
            return (int)sizes.Average();
        }

        var small = MeanSize(12000);
        var large = MeanSize(40000);
        Assert.True(large > 2 * small, $"{small} vs {large} bytes/frame");
        Assert.InRange(large, 60, 140); // 40 kbit/s * 20 ms = 100 bytes
    }

    [Fact]
    public void Opus_speech_round_trip_keeps_the_envelope()
    {
        var speech = Signals.Speech(16000);
        Assert.NotNull(speech); // espeak-ng is a declared dependency of the project
        using var encoder = new OpusEncoder();
        using var decoder = new OpusDecoder();
        var decoded = RunThrough(encoder, decoder, speech);
        // Compare 20 ms energy envelopes (robust to Opus's phase changes): correlation must be high.
        var lag = 0;
        var best = double.NegativeInfinity;
        for (var l = 0; l < 400; l += 4)
        {
            var c = EnvelopeCorrelation(speech, decoded, l);
            if (c > best)
            {
                best = c;
                lag = l;
            }
        }

        Assert.True(best > 0.95, $"envelope correlation {best:F3} at lag {lag}");
    }

    private static double EnvelopeCorrelation(short[] a, short[] b, int lag)
    {
        var n = (Math.Min(a.Length, b.Length - lag) / 320) - 1;
        var ea = new double[n];
        var eb = new double[n];
        for (var i = 0; i < n; i++)
        {
            ea[i] = Signals.Rms(a.AsSpan(i * 320, 320));
            eb[i] = Signals.Rms(b.AsSpan((i * 320) + lag, 320));
        }

        double ma = ea.Average(), mb = eb.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            sab += (ea[i] - ma) * (eb[i] - mb);
            saa += (ea[i] - ma) * (ea[i] - ma);
            sbb += (eb[i] - mb) * (eb[i] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void Opus_fec_recovers_a_lost_packet_better_than_plc()
    {
        var speech = Signals.Speech(16000);
        Assert.NotNull(speech);
        using var encoder = new OpusEncoder(new OpusOptions(Bitrate: 24000, InbandFec: true, ExpectedPacketLossPercent: 20));
        var packets = new List<byte[]>();
        var payload = new byte[1500];
        for (var i = 0; i + 320 <= speech.Length; i += 320)
        {
            var n = encoder.Encode(speech.AsSpan(i, 320), payload);
            packets.Add(payload[..n]);
        }

        // Lose every 7th packet; recover with FEC from the next one, or with PLC alone.
        double ErrorEnergy(bool useFec)
        {
            using var reference = new OpusDecoder();
            using var decoder = new OpusDecoder();
            var a = new short[320];
            var b = new short[320];
            double error = 0;
            for (var k = 0; k < packets.Count - 1; k++)
            {
                reference.Decode(packets[k], a);
                if (k % 7 == 3)
                {
                    Assert.Equal(320, decoder.Conceal(b, useFec ? packets[k + 1] : default));
                    for (var i = 0; i < 320; i++)
                    {
                        error += Math.Pow(a[i] - b[i], 2);
                    }
                }
                else
                {
                    decoder.Decode(packets[k], b);
                }
            }

            return error;
        }

        var withFec = ErrorEnergy(true);
        var plcOnly = ErrorEnergy(false);
        Assert.True(withFec < 0.5 * plcOnly, $"FEC error {withFec:E2} vs PLC {plcOnly:E2}");
    }

    [Fact]
    public void Decoders_reject_garbage_without_throwing()
    {
        using var opus = new OpusDecoder();
        var pcm = new short[5760];
        Assert.Equal(-1, opus.Decode([], pcm));
        var random = new Random(3);
        var junk = new byte[200];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(junk);
            var n = opus.Decode(junk.AsSpan(0, random.Next(1, 200)), pcm);
            Assert.True(n == -1 || n > 0);
        }

        using var g722 = new G722Decoder();
        Assert.Equal(-1, g722.Decode(new byte[160], new short[100]));
        using var pcmu = new G711Decoder(false);
        Assert.Equal(-1, pcmu.Decode(new byte[160], new short[100]));
    }

    [Fact]
    public void Registry_maps_sdp_names()
    {
        var registry = new CodecRegistry();
        Assert.True(registry.TryCreateDecoder("PCMA", 8000, out var pcma));
        pcma!.Dispose();
        Assert.True(registry.TryCreateEncoder("OPUS", 48000, out var opus));
        opus!.Dispose();
        Assert.False(registry.TryCreateEncoder("opus", 8000, out _));
        Assert.False(registry.TryCreateEncoder("GSM", 8000, out _));
        Assert.False(registry.TryCreateDecoder("telephone-event", 8000, out _));
        Assert.True(CodecRegistry.TryGetInfo("telephone-event", 48000, out var te));
        Assert.Equal(48000, te.ClockRate);
    }
}
