using System.Diagnostics;
using Tolk.Speech.Audio;
using Tolk.Speech.Local;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

/// <summary>
/// Silero VAD on ONNX Runtime against the spectral VAD on the same audio. The model is fetched by
/// scripts/install-deps.sh (scripts/fetch-models.sh), which CI runs, so these tests require it rather than skip.
/// Probabilities are compared with the endpointer's threshold (0.5) unless a test says otherwise.
/// </summary>
public sealed class SileroVadTests(ITestOutputHelper output)
{
    private const int Rate = SpeechAudio.SampleRate;
    private const int Frame = SpeechAudio.FrameSamples;
    private const float Threshold = 0.5f;

    private static SileroVad NewSilero()
    {
        Assert.True(
            SileroVad.TryCreate(null, out var vad, out var whyNot),
            $"Silero VAD unavailable: {whyNot}. Run scripts/fetch-models.sh (scripts/install-deps.sh does) to fetch the model into models/silero/.");
        return vad!;
    }

    [Fact]
    public void Silence_and_stationary_noise_stay_below_0_2()
    {
        var cases = new List<(string Name, short[] Audio)> { ("digital silence", new short[Rate * 5]) };
        foreach (var rms in new[] { 30.0, 300.0, 3000.0 })
        {
            cases.Add(($"white noise rms {rms} ({20 * Math.Log10(rms / 32768):F0} dBFS)", WhiteNoise(Rate * 5, rms, seed: (int)rms)));
            cases.Add(($"pink noise rms {rms} ({20 * Math.Log10(rms / 32768):F0} dBFS)", PinkNoise(Rate * 5, rms, seed: (int)rms + 1)));
        }

        using var silero = NewSilero();
        foreach (var (name, audio) in cases)
        {
            silero.Reset();
            var chunks = ChunkProbabilities(silero, audio, Frame);
            var quiet = chunks.Count(p => p < 0.2f) / (double)chunks.Count;
            var spectral = Run(new SpectralVad(), audio, Frame);
            var spectralAlarms = spectral.Skip(25).Count(p => p >= Threshold) / (double)(spectral.Length - 25);
            output.WriteLine($"{name}: silero chunks < 0.2 {quiet:P1} (max {chunks.Max():F3}); spectral frames ≥ 0.5 after 0.5 s {spectralAlarms:P1}");
            Assert.True(quiet >= 0.95, $"{name}: only {quiet:P1} of chunks below 0.2");
        }
    }

    [Fact]
    public void Speech_in_10_dB_noise_is_found_at_least_as_well_as_by_the_spectral_vad()
    {
        var (clean, truth) = SpeechTrack();
        var speechFrames = truth.Count(t => t);
        output.WriteLine($"{SpeechCorpus.Sentences.Length * SpeechCorpus.Voices.Length} flite clips, {clean.Length / (double)Rate:F1} s, {speechFrames} speech frames by energy on the clean signal");
        foreach (var (noiseName, make) in new (string, Func<int, double, int, short[]>)[] { ("white", WhiteNoise), ("pink", PinkNoise) })
        {
            foreach (var snrDb in noiseName == "white" ? new[] { double.PositiveInfinity, 20, 10 } : [20, 10])
            {
                var noisy = double.IsPositiveInfinity(snrDb) ? clean : AddNoise(clean, truth, snrDb, make);
                using var silero = NewSilero();
                var s = Score(Run(silero, noisy, Frame), truth);
                var p = Score(Run(new SpectralVad(), noisy, Frame), truth);
                var label = double.IsPositiveInfinity(snrDb) ? "clean" : $"{noiseName} {snrDb} dB SNR";
                output.WriteLine($"{label}: recall silero {s.Recall:P1} spectral {p.Recall:P1}; false alarms silero {s.FalseAlarms:P1} spectral {p.FalseAlarms:P1}");
                if (snrDb == 10)
                {
                    Assert.True(s.Recall >= p.Recall, $"{label}: silero recall {s.Recall:P1} < spectral {p.Recall:P1}");
                    Assert.True(s.Recall >= 0.8, $"{label}: silero recall {s.Recall:P1}");
                }
            }
        }
    }

    [Fact]
    public void Non_stationary_noise_raises_fewer_false_alarms_than_the_spectral_vad()
    {
        // Each noise starts after 1 s of a quiet line, as background noise starting during a call would: the
        // spectral VAD's floor tracker then has to catch up with it (≈ 3 dB/s), the model has no such floor.
        var cases = new (string Name, short[] Noise, bool Asserted)[]
        {
            ("music-like tones, a new chord every 100 ms", ToneMusic(Rate * 10, seed: 3), true),
            ("speech-shaped noise, 4 Hz syllable envelope", ModulatedSpeechShapedNoise(Rate * 10, seed: 4), true),
            ("babble, 6 overlapping flite talkers", Babble(Rate * 10), false),
        };
        var quiet = WhiteNoise(Rate, 30, 8);
        var lead = Rate / Frame;
        foreach (var (name, noise, asserted) in cases)
        {
            short[] audio = [.. quiet, .. noise];
            using var silero = NewSilero();
            var s = Run(silero, audio, Frame).Skip(lead).Count(p => p >= Threshold) / (double)(noise.Length / Frame);
            var p = Run(new SpectralVad(), audio, Frame).Skip(lead).Count(p => p >= Threshold) / (double)(noise.Length / Frame);
            output.WriteLine($"{name}: frames flagged as speech — silero {s:P1}, spectral {p:P1}");
            if (asserted)
            {
                Assert.True(s <= p, $"{name}: silero false alarms {s:P1} > spectral {p:P1}");
            }
        }
    }

    [Fact]
    public void Chunk_probabilities_do_not_depend_on_the_frame_size()
    {
        short[] audio = [.. new short[Rate / 2], .. SpeechCorpus.Load(SpeechCorpus.Wide(2, "rms")), .. WhiteNoise(Rate, 200, 9)];
        using var silero = NewSilero();
        var reference = ChunkProbabilities(silero, audio, SileroVad.ChunkSamples);
        Assert.Equal(audio.Length / SileroVad.ChunkSamples, reference.Count);
        Assert.Contains(reference, p => p > 0.9f);
        foreach (var frame in new[] { 320, 160, 77 })
        {
            silero.Reset();
            var probs = ChunkProbabilities(silero, audio, frame);
            Assert.Equal(reference.Count, probs.Count);
            for (var i = 0; i < probs.Count; i++)
            {
                Assert.True(Math.Abs(reference[i] - probs[i]) < 1e-6, $"{frame}-sample frames: chunk {i} {probs[i]} vs {reference[i]}");
            }
        }
    }

    [Fact]
    public void Reset_gives_the_same_output_as_a_fresh_instance()
    {
        var first = SpeechCorpus.Load(SpeechCorpus.Wide(0, "slt"));
        short[] second = [.. WhiteNoise(Rate / 3, 100, 5), .. SpeechCorpus.Load(SpeechCorpus.Wide(4, "rms"))];
        using var reused = NewSilero();
        Run(reused, first, Frame);
        reused.Process(first.AsSpan(0, 100)); // leave a partial chunk behind as well
        reused.Reset();
        Assert.Equal(0, reused.Probability);
        using var fresh = NewSilero();
        Assert.Equal(Run(fresh, second, Frame), Run(reused, second, Frame));
    }

    [Fact]
    public void Steady_state_processing_allocates_nothing()
    {
        var audio = WhiteNoise(Rate * 4, 500, 12);
        using var silero = NewSilero();
        Run(silero, audio, Frame); // warm-up
        silero.Reset();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var f = 0; f < audio.Length / Frame; f++)
        {
            silero.Process(audio.AsSpan(f * Frame, Frame));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes allocated over {audio.Length / Frame} frames ({silero.Chunks} chunks)");
        Assert.True(allocated < 1000, $"{allocated} bytes allocated over {audio.Length / Frame} frames");
    }

    [Fact]
    public void Endpointer_on_silero_opens_and_closes_each_phrase()
    {
        var startLags = new Dictionary<string, List<int>> { ["silero"] = [], ["spectral"] = [] };
        var endLags = new Dictionary<string, List<int>> { ["silero"] = [], ["spectral"] = [] };
        for (var sentence = 0; sentence < SpeechCorpus.Sentences.Length; sentence++)
        {
            foreach (var voice in SpeechCorpus.Voices)
            {
                // Half a second of a quiet line (not digital silence), the clip, 1.5 s of the quiet line.
                var clip = SpeechCorpus.Load(SpeechCorpus.Wide(sentence, voice));
                short[] audio = [.. new short[Rate / 2], .. clip, .. new short[Rate * 3 / 2]];
                var bg = WhiteNoise(audio.Length, 20, sentence);
                for (var i = 0; i < audio.Length; i++)
                {
                    audio[i] = (short)Math.Clamp(audio[i] + bg[i], short.MinValue, short.MaxValue);
                }

                // Where the clip's sound starts and stops (flite pads it with silence).
                var (_, truth) = Truth(audio);
                var firstSpeech = Array.IndexOf(truth, true);
                var lastSpeech = Array.LastIndexOf(truth, true);
                using var silero = NewSilero();
                foreach (var (name, vad) in new (string, IVoiceActivityDetector)[] { ("silero", silero), ("spectral", new SpectralVad()) })
                {
                    var events = Endpoints(vad, audio);
                    if (name == "silero")
                    {
                        var what = $"{voice} \"{SpeechCorpus.Sentences[sentence]}\", sound in frames {firstSpeech}–{lastSpeech}: {string.Join(", ", events.Select(e => $"{e.Event}@{e.Frame}"))}";
                        var started = Assert.Single(events, e => e.Event == EndpointEvent.PhraseStarted);
                        var ended = Assert.Single(events, e => e.Event == EndpointEvent.PhraseEnded);
                        Assert.True(events[^1] == ended, what);
                        // Start: 100 ms of speech plus up to 32 ms of chunk lag (and the model's own onset) after the first sound.
                        Assert.True(started.Frame >= firstSpeech && started.Frame <= firstSpeech + 15, what);
                        // End: 400 ms of silence after the last sound, plus the chunk lag and the model's hangover.
                        Assert.True(ended.Frame >= lastSpeech + 20 && ended.Frame <= lastSpeech + 40, what);
                    }

                    if (events.FirstOrDefault(e => e.Event == EndpointEvent.PhraseStarted) is { Event: EndpointEvent.PhraseStarted } s)
                    {
                        startLags[name].Add(s.Frame - firstSpeech);
                    }

                    if (events.LastOrDefault(e => e.Event == EndpointEvent.PhraseEnded) is { Event: EndpointEvent.PhraseEnded } e)
                    {
                        endLags[name].Add(e.Frame - lastSpeech);
                    }
                }
            }
        }

        foreach (var name in startLags.Keys)
        {
            output.WriteLine($"{name}: phrase start {startLags[name].Average() * Frame / 16.0:F0} ms after the first sound (mean of {startLags[name].Count}), "
                + $"phrase end {endLags[name].Average() * Frame / 16.0:F0} ms after the last sound (mean of {endLags[name].Count}; min {endLags[name].Min() * 20}, max {endLags[name].Max() * 20} ms)");
        }
    }

    private static List<(int Frame, EndpointEvent Event)> Endpoints(IVoiceActivityDetector vad, short[] audio)
    {
        var endpointer = new Endpointer();
        var events = new List<(int Frame, EndpointEvent Event)>();
        for (var f = 0; (f + 1) * Frame <= audio.Length; f++)
        {
            var e = endpointer.Process(vad.Process(audio.AsSpan(f * Frame, Frame)));
            if (e != EndpointEvent.None)
            {
                events.Add((f, e));
            }
        }

        return events;
    }

    [Fact]
    public void Local_engines_choose_silero_when_the_model_is_there_and_fall_back_with_a_reason()
    {
        var auto = VadSelection.Choose();
        output.WriteLine(auto.Reason);
        Assert.Equal(VadEngine.Silero, auto.Engine);
        Assert.IsType<SileroVad>(auto.Create());

        var missing = VadSelection.Choose(new VadOptions { SileroModelPath = "models/silero/nope.onnx" });
        output.WriteLine(missing.Reason);
        Assert.Equal(VadEngine.Spectral, missing.Engine);
        Assert.False(missing.IsDegraded);
        Assert.Contains("fetch-models.sh", missing.Reason, StringComparison.Ordinal);
        Assert.IsType<SpectralVad>(missing.Create());

        var garbage = Path.Combine(Path.GetTempPath(), $"tolk-not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8]);
        try
        {
            var broken = VadSelection.Choose(new VadOptions { Engine = VadEngine.Silero, SileroModelPath = garbage });
            output.WriteLine(broken.Reason);
            Assert.Equal(VadEngine.Spectral, broken.Engine);
            Assert.True(broken.IsDegraded);
            Assert.Contains("not usable", broken.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(garbage);
        }

        Assert.Equal(VadEngine.Spectral, VadSelection.Choose(new VadOptions { Engine = VadEngine.Spectral }).Engine);
        using var engines = new LocalSpeechEngines(NullSpeechUsageSink.Instance);
        Assert.Equal(VadEngine.Silero, engines.Vad.Engine);
        var a = engines.CreateVad();
        var b = engines.CreateVad();
        Assert.NotSame(a, b);
        (a as IDisposable)?.Dispose();
        (b as IDisposable)?.Dispose();
    }

    /// <summary>Measurement only (no timed assertion): CPU per 20 ms frame over 60 s of speech and noise.</summary>
    [Fact]
    public void Cpu_per_20_ms_frame_is_reported()
    {
        var (clean, truth) = SpeechTrack();
        var audio = AddNoise(clean, truth, 20, PinkNoise);
        while (audio.Length < Rate * 60)
        {
            audio = [.. audio, .. audio];
        }

        audio = audio[..(Rate * 60)];
        var frames = audio.Length / Frame;
        using var silero = NewSilero();
        var spectral = new SpectralVad();
        Run(silero, audio[..(Rate * 5)], Frame); // warm-up (JIT, ORT's first runs)
        Run(spectral, audio[..(Rate * 5)], Frame);
        foreach (var (name, vad) in new (string, IVoiceActivityDetector)[] { ("silero", silero), ("spectral", spectral), ("silero", silero), ("spectral", spectral) })
        {
            vad.Reset();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            for (var f = 0; f < frames; f++)
            {
                vad.Process(audio.AsSpan(f * Frame, Frame));
            }

            var wall = Stopwatch.GetElapsedTime(started);
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            output.WriteLine($"{name}: {wall.TotalNanoseconds / frames / 1000:F1} µs wall, {cpuUsed.TotalNanoseconds / frames / 1000:F1} µs process CPU per 20 ms frame; {allocated / (double)frames:F1} bytes allocated per frame");
        }
    }

    private static float[] Run(IVoiceActivityDetector vad, short[] audio, int frame)
    {
        var probs = new float[audio.Length / frame];
        for (var i = 0; i < probs.Length; i++)
        {
            probs[i] = vad.Process(audio.AsSpan(i * frame, frame));
        }

        return probs;
    }

    /// <summary>The probability of every chunk, read as each completes (frames of at most one chunk).</summary>
    private static List<float> ChunkProbabilities(SileroVad vad, short[] audio, int frame)
    {
        Assert.InRange(frame, 1, SileroVad.ChunkSamples);
        var probs = new List<float>();
        for (var o = 0; o < audio.Length; o += frame)
        {
            var before = vad.Chunks;
            vad.Process(audio.AsSpan(o, Math.Min(frame, audio.Length - o)));
            if (vad.Chunks != before)
            {
                probs.Add(vad.Probability);
            }
        }

        return probs;
    }

    private static (double Recall, double FalseAlarms) Score(float[] probs, bool[] truth)
    {
        int hits = 0, speech = 0, alarms = 0, quiet = 0;
        for (var i = 0; i < Math.Min(probs.Length, truth.Length); i++)
        {
            if (truth[i])
            {
                speech++;
                hits += probs[i] >= Threshold ? 1 : 0;
            }
            else
            {
                quiet++;
                alarms += probs[i] >= Threshold ? 1 : 0;
            }
        }

        return (hits / (double)speech, alarms / (double)quiet);
    }

    /// <summary>All corpus clips, each with 0.6 s of silence before and after, and the energy ground truth.</summary>
    private static (short[] Audio, bool[] Truth) SpeechTrack()
    {
        var parts = new List<short>();
        for (var s = 0; s < SpeechCorpus.Sentences.Length; s++)
        {
            foreach (var v in SpeechCorpus.Voices)
            {
                parts.AddRange(new short[Rate * 6 / 10]);
                parts.AddRange(SpeechCorpus.Load(SpeechCorpus.Wide(s, v)));
                parts.AddRange(new short[Rate * 6 / 10]);
            }
        }

        var audio = parts.ToArray();
        return (audio, Truth(audio).Truth);
    }

    /// <summary>
    /// Energy ground truth per 20 ms frame of a clean signal: speech when within 35 dB of the loudest frame of the
    /// surrounding second and above −55 dBFS (flite's pauses between words are near-digital silence).
    /// </summary>
    private static (double[] Db, bool[] Truth) Truth(short[] clean)
    {
        var frames = clean.Length / Frame;
        var db = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            db[f] = AudioMath.Dbfs(clean.AsSpan(f * Frame, Frame));
        }

        var truth = new bool[frames];
        for (var f = 0; f < frames; f++)
        {
            var peak = db.Skip(Math.Max(0, f - 25)).Take(51).Max();
            truth[f] = db[f] > -55 && db[f] >= peak - 35;
        }

        return (db, truth);
    }

    /// <summary>Adds noise scaled so that speech power (over the speech frames) is <paramref name="snrDb"/> above it.</summary>
    private static short[] AddNoise(short[] clean, bool[] truth, double snrDb, Func<int, double, int, short[]> make)
    {
        double power = 0;
        var n = 0;
        for (var f = 0; f < truth.Length; f++)
        {
            if (truth[f])
            {
                foreach (var s in clean.AsSpan(f * Frame, Frame))
                {
                    power += (double)s * s;
                }

                n += Frame;
            }
        }

        var noiseRms = Math.Sqrt(power / n) / Math.Pow(10, snrDb / 20);
        var noise = make(clean.Length, noiseRms, 42);
        var mixed = new short[clean.Length];
        for (var i = 0; i < mixed.Length; i++)
        {
            mixed[i] = (short)Math.Clamp(clean[i] + noise[i], short.MinValue, short.MaxValue);
        }

        return mixed;
    }

    private static short[] WhiteNoise(int samples, double rms, int seed)
    {
        var rng = new Random(seed);
        var s = new short[samples];
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (short)Math.Clamp(Gaussian(rng) * rms, short.MinValue, short.MaxValue);
        }

        return s;
    }

    /// <summary>1/f noise: the sum of 12 random values, the k-th renewed every 2^k samples, plus fresh white noise.</summary>
    private static short[] PinkNoise(int samples, double rms, int seed)
    {
        var rng = new Random(seed);
        var rows = new double[12];
        var raw = new double[samples];
        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            for (var k = 0; k < rows.Length; k++)
            {
                if (i % (1 << k) == 0)
                {
                    sum -= rows[k];
                    rows[k] = Gaussian(rng);
                    sum += rows[k];
                }
            }

            raw[i] = sum + Gaussian(rng);
        }

        return Scale(raw, rms);
    }

    /// <summary>Three-note chords of harmonic tones (MIDI 45–84), a new chord every 100 ms with a short attack and decay.</summary>
    private static short[] ToneMusic(int samples, int seed)
    {
        var rng = new Random(seed);
        var raw = new double[samples];
        var step = Rate / 10;
        for (var start = 0; start < samples; start += step)
        {
            for (var note = 0; note < 3; note++)
            {
                var hz = 440 * Math.Pow(2, (rng.Next(45, 85) - 69) / 12.0);
                var phase = rng.NextDouble() * 2 * Math.PI;
                for (var i = 0; i < step && start + i < samples; i++)
                {
                    var t = i / (double)Rate;
                    var envelope = Math.Min(1, i / 80.0) * Math.Exp(-t * 8);
                    double v = 0;
                    for (var h = 1; h <= 4 && hz * h < 7000; h++)
                    {
                        v += Math.Sin((2 * Math.PI * hz * h * t) + phase) / h;
                    }

                    raw[start + i] += envelope * v;
                }
            }
        }

        return Scale(raw, 3000);
    }

    /// <summary>
    /// White noise tilted like long-term speech (flat to ≈ 500 Hz, then falling ≈ 6 dB/octave), switched on and off
    /// by a 4 Hz syllable-rate envelope.
    /// </summary>
    private static short[] ModulatedSpeechShapedNoise(int samples, int seed)
    {
        var rng = new Random(seed);
        var raw = new double[samples];
        var a = Math.Exp(-2 * Math.PI * 500 / Rate);
        double y = 0;
        for (var i = 0; i < samples; i++)
        {
            y = (a * y) + ((1 - a) * Gaussian(rng));
            var envelope = Math.Max(0, Math.Sin(2 * Math.PI * 4 * i / Rate));
            raw[i] = y * envelope;
        }

        return Scale(raw, 3000);
    }

    /// <summary>Six corpus clips of different sentences, each looped from a different offset and summed.</summary>
    private static short[] Babble(int samples)
    {
        var raw = new double[samples];
        for (var talker = 0; talker < 6; talker++)
        {
            var clip = SpeechCorpus.Load(SpeechCorpus.Wide(talker + 3, SpeechCorpus.Voices[talker % 2]));
            var offset = talker * 3_331;
            for (var i = 0; i < samples; i++)
            {
                raw[i] += clip[(i + offset) % clip.Length];
            }
        }

        return Scale(raw, 3000);
    }

    private static short[] Scale(double[] raw, double rms)
    {
        var current = Math.Sqrt(raw.Sum(v => v * v) / raw.Length);
        var gain = current == 0 ? 0 : rms / current;
        return [.. raw.Select(v => (short)Math.Clamp(v * gain, short.MinValue, short.MaxValue))];
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
