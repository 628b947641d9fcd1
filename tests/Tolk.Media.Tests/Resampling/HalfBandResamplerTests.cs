using Tolk.Media.Resampling;
using Xunit.Abstractions;

namespace Tolk.Media.Tests.Resampling;

public sealed class HalfBandResamplerTests(ITestOutputHelper log)
{
    // Levels are measured on a steady stretch that holds a whole number of cycles of every frequency used
    // (all are multiples of 10 Hz), so a Goertzel bin sees no leakage from the other components.
    // A component far below one LSB would simply round away and read as "infinitely" rejected, which makes
    // two filters incomparable; a second, in-band tone (2390 Hz, whose image and alias are nowhere near a
    // measured frequency) decorrelates the rounding so that the small components survive quantisation.
    private const double DitherHz = 2390;
    private const double DitherAmplitude = 6000;
    private const double ToneAmplitude = 16000;

    private static short[] DitheredTone(double frequency, int rate, int samples)
    {
        var s = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            s[i] = (short)Math.Round((ToneAmplitude * Math.Sin(2 * Math.PI * frequency * i / rate)) + (DitherAmplitude * Math.Sin(2 * Math.PI * DitherHz * i / rate)));
        }

        return s;
    }

    /// <summary>Amplitude of the component at <paramref name="frequency"/> (exact when it is on a bin of the stretch).</summary>
    private static double Amplitude(ReadOnlySpan<short> x, double frequency, int rate) =>
        2 * Math.Sqrt(Math.Max(Signals.Goertzel(x, frequency, rate), 0) / x.Length);

    private static double Db(double ratio) => 20 * Math.Log10(Math.Max(ratio, 1e-12));

    /// <summary>Feeds <paramref name="input"/> in 20 ms frames (frame in, frame out, as the conference clock does).</summary>
    private static short[] Convert(IAudioResampler resampler, short[] input)
    {
        var inFrame = resampler.InputRate / 50;
        var outFrame = resampler.OutputRate / 50;
        var output = new short[input.Length / inFrame * outFrame];
        for (int i = 0, o = 0; i + inFrame <= input.Length; i += inFrame, o += outFrame)
        {
            Assert.Equal(outFrame, resampler.Process(input.AsSpan(i, inFrame), output.AsSpan(o, outFrame)));
        }

        return output;
    }

    /// <summary>Feeds <paramref name="input"/> in chunks of the given sizes (cycled) and concatenates the output.</summary>
    private static short[] ConvertInChunks(IAudioResampler resampler, short[] input, IReadOnlyList<int> chunks)
    {
        var output = new short[(input.Length * 2) + 2];
        var written = 0;
        var chunkIndex = 0;
        for (var i = 0; i < input.Length;)
        {
            var n = Math.Min(chunks[chunkIndex++ % chunks.Count], input.Length - i);
            written += resampler.Process(input.AsSpan(i, n), output.AsSpan(written));
            i += n;
        }

        return output[..written];
    }

    /// <summary>Noise-like test signal: 60 tones of random frequency (100..3300 Hz) and phase, about −12 dBFS peak.</summary>
    private static short[] BandLimitedNoise(int rate, int samples, int seed)
    {
        var random = new Random(seed);
        var tones = Enumerable.Range(0, 60).Select(_ => (Hz: 100 + (random.NextDouble() * 3200), Phase: random.NextDouble() * 2 * Math.PI)).ToArray();
        var x = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            foreach (var (hz, phase) in tones)
            {
                x[i] += Math.Sin((2 * Math.PI * hz * i / rate) + phase);
            }
        }

        var scale = 8000 / x.Max(Math.Abs);
        return x.Select(v => (short)Math.Round(v * scale)).ToArray();
    }

    private static (double GainDb, double ImageDb) UpsampledTone(IAudioResampler resampler, double frequency)
    {
        var input = DitheredTone(frequency, 8000, 8000 * 3);
        var steady = Convert(resampler, input).AsSpan(16000, 32000); // after 1 s, 2 s long
        var tone = Amplitude(steady, frequency, 16000);
        return (Db(tone / Amplitude(input.AsSpan(8000, 16000), frequency, 8000)), Db(Amplitude(steady, 8000 - frequency, 16000) / tone));
    }

    /// <summary>Level of <paramref name="frequency"/> at the 16 kHz input as it comes out at 8 kHz (folded about 4 kHz when above), relative to the input.</summary>
    private static double DownsampledLevel(IAudioResampler resampler, double frequency)
    {
        var input = DitheredTone(frequency, 16000, 16000 * 3);
        var steady = Convert(resampler, input).AsSpan(8000, 16000);
        var output = frequency < 4000 ? frequency : 8000 - frequency;
        return Db(Amplitude(steady, output, 8000) / Amplitude(input.AsSpan(16000, 32000), frequency, 16000));
    }

    [Theory]
    [InlineData(300, 0.1)]
    [InlineData(1000, 0.1)]
    [InlineData(3000, 0.1)]
    [InlineData(3400, 0.5)]
    public void Upsampling_keeps_the_tone_and_rejects_its_image(double frequency, double toleranceDb)
    {
        using var up = new HalfBandResampler(8000, 16000);
        var (gain, image) = UpsampledTone(up, frequency);
        log.WriteLine($"8→16 kHz {frequency} Hz: gain {gain:F5} dB, image at {8000 - frequency} Hz {image:F1} dB");
        Assert.InRange(gain, -toleranceDb, toleranceDb);
        Assert.True(image <= -70, $"image {image:F1} dB");
    }

    [Theory]
    [InlineData(300, 0.1)]
    [InlineData(1000, 0.1)]
    [InlineData(3000, 0.1)]
    [InlineData(3400, 0.5)]
    public void Downsampling_keeps_passband_tones(double frequency, double toleranceDb)
    {
        using var down = new HalfBandResampler(16000, 8000);
        var gain = DownsampledLevel(down, frequency);
        log.WriteLine($"16→8 kHz {frequency} Hz: gain {gain:F5} dB");
        Assert.InRange(gain, -toleranceDb, toleranceDb);
    }

    [Theory]
    [InlineData(5000)]
    [InlineData(6000)]
    public void Downsampling_rejects_aliases(double frequency)
    {
        using var down = new HalfBandResampler(16000, 8000);
        var alias = DownsampledLevel(down, frequency);
        log.WriteLine($"16→8 kHz {frequency} Hz → alias at {8000 - frequency} Hz: {alias:F1} dB");
        Assert.True(alias <= -70, $"alias {alias:F1} dB");
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void A_constant_passes_at_unity_gain(int from, int to)
    {
        using var resampler = new HalfBandResampler(from, to);
        var output = Convert(resampler, Enumerable.Repeat((short)20000, from).ToArray());
        // Past the filter's delay every sample is the input level: gain error far below 0.05 dB (0.006 %, about 1 LSB here).
        foreach (var sample in output.AsSpan(to / 10))
        {
            Assert.InRange(sample, 19999, 20001);
        }
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void Output_does_not_depend_on_how_the_input_is_cut(int from, int to)
    {
        var input = BandLimitedNoise(from, from * 2, seed: 3);
        using var whole = new HalfBandResampler(from, to);
        var reference = ConvertInChunks(whole, input, [input.Length]);
        Assert.Equal(input.Length * to / from, reference.Length);

        var random = new Random(5);
        int[][] cuts =
        [
            [160],
            [320],
            [1],
            [7, 13, 1, 101, 3],
            Enumerable.Range(0, 50).Select(_ => random.Next(1, 700)).ToArray(),
        ];
        foreach (var cut in cuts)
        {
            using var resampler = new HalfBandResampler(from, to);
            Assert.Equal(reference, ConvertInChunks(resampler, input, cut));
        }
    }

    [Fact]
    public void Downsampling_an_odd_length_carries_the_last_sample_to_the_next_call()
    {
        using var down = new HalfBandResampler(16000, 8000);
        var output = new short[200];
        Assert.Equal(0, down.Process(new short[1], output)); // carried: 1
        Assert.Equal(80, down.Process(new short[160], output)); // 1 + 160: 80 pairs, carried: 1
        Assert.Equal(0, down.Process(ReadOnlySpan<short>.Empty, output));
        Assert.Equal(160, down.Process(new short[319], output)); // 1 + 319: 160 pairs, nothing carried
        Assert.Equal(1, down.Process(new short[3], output)); // carried: 1
    }

    [Fact]
    public void Up_then_down_returns_the_input_delayed_by_the_reported_latency()
    {
        var input = BandLimitedNoise(8000, 8000 * 3, seed: 11);
        using var up = new HalfBandResampler(8000, 16000);
        using var down = new HalfBandResampler(16000, 8000);
        var back = Convert(down, Convert(up, input));
        // Input m comes out of the upsampler as 16 kHz sample 2m + 48, and that out of the downsampler as 8 kHz sample m + 24 + 23.
        var delay = (up.OutputLatency / 2) + down.OutputLatency;
        Assert.Equal(47, delay);
        Assert.Equal(delay, up.InputLatency + (down.InputLatency / 2));

        double signal = 0, noise = 0;
        var differing = 0;
        for (var i = 800; i + delay < back.Length; i++)
        {
            double r = input[i];
            double e = back[i + delay] - r;
            signal += r * r;
            noise += e * e;
            differing += e == 0 ? 0 : 1;
        }

        var snr = 10 * Math.Log10(signal / Math.Max(noise, 1e-9));
        log.WriteLine($"8→16→8 kHz round trip at a delay of {delay} samples: SNR {snr:F1} dB, {differing} of {back.Length - delay - 800} samples differ");
        Assert.True(snr >= 60, $"SNR {snr:F1} dB");
        // The delay is exact: one sample off, the same audio is far worse.
        Assert.True(Signals.Snr(input.AsSpan(800), back.AsSpan(800 + delay + 1), 0) < snr - 20);
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void Reset_forgets_the_history_and_the_carried_sample(int from, int to)
    {
        var before = BandLimitedNoise(from, 1001, seed: 1); // odd: the downsampler carries one sample
        var after = BandLimitedNoise(from, 640, seed: 2);
        using var reused = new HalfBandResampler(from, to);
        _ = ConvertInChunks(reused, before, [before.Length]);
        reused.Reset();
        using var fresh = new HalfBandResampler(from, to);
        Assert.Equal(ConvertInChunks(fresh, after, [160]), ConvertInChunks(reused, after, [160]));
    }

    [Theory]
    [InlineData(8000, 16000, 250)]
    [InlineData(16000, 8000, 500)]
    public void A_full_scale_square_wave_saturates_instead_of_wrapping(int from, int to, int hz)
    {
        // The filter's overshoot at each edge (Gibbs) takes a full-scale square wave past 16 bits. A linear
        // filter gives twice the output for twice the input, so the half-scale wave's output × 2, clamped,
        // is what the full-scale one must give; wrap-around would be off by ~65536.
        static short[] Square(int rate, int hz, int samples, short level) =>
            Enumerable.Range(0, samples).Select(i => (i * 2 * hz / rate) % 2 == 0 ? level : (short)-level).ToArray();

        using var full = new HalfBandResampler(from, to);
        using var half = new HalfBandResampler(from, to);
        var loud = Convert(full, Square(from, hz, from / 2, 32766));
        var quiet = Convert(half, Square(from, hz, from / 2, 16383));
        Assert.Contains(loud, s => s == short.MaxValue);
        Assert.Contains(loud, s => s == short.MinValue);
        for (var i = 0; i < loud.Length; i++)
        {
            var expected = Math.Clamp(2 * quiet[i], short.MinValue, short.MaxValue);
            Assert.True(Math.Abs(loud[i] - expected) <= 2, $"sample {i}: {loud[i]}, expected {expected}");
        }
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void Process_allocates_nothing(int from, int to)
    {
        var input = BandLimitedNoise(from, from, seed: 4);
        var output = new short[input.Length * 2];
        using var resampler = new HalfBandResampler(from, to);
        var frame = from / 50;
        for (var i = 0; i < 10; i++)
        {
            resampler.Process(input.AsSpan(i * frame, frame), output); // warm up: JIT, statics
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i + frame <= input.Length; i += frame)
        {
            resampler.Process(input.AsSpan(i, frame), output);
        }

        resampler.Process(input.AsSpan(0, 7), output); // odd: the carry path
        resampler.Process(input, output); // several blocks in one call
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(16000, 8000)]
    public void The_vector_and_scalar_paths_agree_to_one_lsb(int from, int to)
    {
        // FMA (vector) and separate multiply-add (scalar) may round differently, by no more than one LSB.
        var input = BandLimitedNoise(from, from, seed: 9);
        using var vector = new HalfBandResampler(from, to);
        using var scalar = new HalfBandResampler(from, to, useVectors: false);
        var a = ConvertInChunks(vector, input, [37, 160, 5]);
        var b = ConvertInChunks(scalar, input, [37, 160, 5]);
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    [Fact]
    public void Rejection_is_at_least_as_good_as_speexdsp_quality_3()
    {
        // The images of the telephone band (300–3400 Hz) land at 4600–7700 Hz, and the aliases that fold back into
        // it come from there: that is the stopband that matters for G.711. (Between 4 and 4.6 kHz a half-band
        // filter is in its transition band by construction; speex quality 3 instead cuts off lower and loses
        // passband: both are shown here.)
        double[] telephoneBand = [300, 1000, 2000, 3000, 3400];
        double[] aboveTheImageEdge = [4600, 5000, 6000, 7000, 7700];
        double worstImage = double.MinValue, worstImageSpeex = double.MinValue;
        double worstAlias = double.MinValue, worstAliasSpeex = double.MinValue;
        foreach (var f in telephoneBand)
        {
            using var up = new HalfBandResampler(8000, 16000);
            using var speex = new SpeexResampler(8000, 16000, 3);
            var (gain, image) = UpsampledTone(up, f);
            var (gainSpeex, imageSpeex) = UpsampledTone(speex, f);
            log.WriteLine($"8→16 {f} Hz: half-band gain {gain:F4} dB image {image:F1} dB | speex q3 gain {gainSpeex:F4} dB image {imageSpeex:F1} dB");
            worstImage = Math.Max(worstImage, image);
            worstImageSpeex = Math.Max(worstImageSpeex, imageSpeex);
            Assert.True(Math.Abs(gain) <= Math.Max(Math.Abs(gainSpeex), 0.01), $"passband at {f} Hz: {gain:F4} vs speex {gainSpeex:F4} dB");
        }

        foreach (var f in aboveTheImageEdge)
        {
            using var down = new HalfBandResampler(16000, 8000);
            using var speex = new SpeexResampler(16000, 8000, 3);
            var alias = DownsampledLevel(down, f);
            var aliasSpeex = DownsampledLevel(speex, f);
            log.WriteLine($"16→8 {f} Hz → {8000 - f} Hz: half-band {alias:F1} dB | speex q3 {aliasSpeex:F1} dB");
            worstAlias = Math.Max(worstAlias, alias);
            worstAliasSpeex = Math.Max(worstAliasSpeex, aliasSpeex);
        }

        foreach (var f in (double[])[3400, 4100, 4200, 4400])
        {
            using var down = new HalfBandResampler(16000, 8000);
            using var speex = new SpeexResampler(16000, 8000, 3);
            log.WriteLine($"16→8 {f} Hz (edge/transition): half-band {DownsampledLevel(down, f):F2} dB | speex q3 {DownsampledLevel(speex, f):F2} dB");
        }

        log.WriteLine($"worst image: half-band {worstImage:F1} dB, speex q3 {worstImageSpeex:F1} dB; worst alias: half-band {worstAlias:F1} dB, speex q3 {worstAliasSpeex:F1} dB");
        // Both numbers are checked: the measurement must see speex's known rejection (it is not a floor of the
        // method), the half-band must keep its own level, and it must not be worse than speex.
        Assert.InRange(worstImageSpeex, -110, -70);
        Assert.InRange(worstAliasSpeex, -110, -70);
        Assert.True(worstImage <= -95, $"half-band worst image {worstImage:F1} dB");
        Assert.True(worstAlias <= -95, $"half-band worst alias {worstAlias:F1} dB");
        Assert.True(worstImage <= worstImageSpeex, $"image {worstImage:F1} dB vs speex q3 {worstImageSpeex:F1} dB");
        Assert.True(worstAlias <= worstAliasSpeex, $"alias {worstAlias:F1} dB vs speex q3 {worstAliasSpeex:F1} dB");
    }

    [Theory]
    [InlineData(8000, 16000, typeof(HalfBandResampler))]
    [InlineData(16000, 8000, typeof(HalfBandResampler))]
    [InlineData(24000, 48000, typeof(HalfBandResampler))]
    [InlineData(48000, 16000, typeof(SpeexResampler))]
    [InlineData(8000, 48000, typeof(SpeexResampler))]
    [InlineData(22050, 16000, typeof(SpeexResampler))]
    public void The_factory_uses_the_half_band_for_exact_two_to_one(int from, int to, Type expected)
    {
        using var resampler = AudioResampler.Create(from, to, 3);
        Assert.IsType(expected, resampler);
        Assert.Equal(from, resampler.InputRate);
        Assert.Equal(to, resampler.OutputRate);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void The_factory_refuses_a_bad_quality_even_where_it_would_not_use_it(int quality) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioResampler.Create(8000, 16000, quality));

    [Theory]
    [InlineData(8000, 8000)]
    [InlineData(8000, 24000)]
    [InlineData(16000, 48000)]
    [InlineData(16000, 8001)]
    public void Other_ratios_are_refused(int from, int to) =>
        Assert.Throws<ArgumentException>(() => new HalfBandResampler(from, to));

    [Fact]
    public void Too_small_an_output_is_refused_and_disposed_use_throws()
    {
        var up = new HalfBandResampler(8000, 16000);
        Assert.Throws<ArgumentException>(() => up.Process(new short[160], new short[319]));
        up.Dispose();
        Assert.Throws<ObjectDisposedException>(() => up.Process(new short[160], new short[320]));
    }
}
