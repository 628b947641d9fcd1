using Tolk.Speech.Audio;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

public sealed class VadAndEmotionTests(ITestOutputHelper output)
{
    private static float[] Run(IVoiceActivityDetector vad, short[] audio)
    {
        var probs = new List<float>();
        for (var o = 0; o + SpeechAudio.FrameSamples <= audio.Length; o += SpeechAudio.FrameSamples)
        {
            probs.Add(vad.Process(audio.AsSpan(o, SpeechAudio.FrameSamples)));
        }

        return [.. probs];
    }

    private static short[] Noise(int samples, double rms, int seed)
    {
        var rng = new Random(seed);
        var s = new short[samples];
        for (var i = 0; i < s.Length; i++)
        {
            // Sum of uniforms ≈ Gaussian.
            var g = (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 2;
            s[i] = (short)Math.Clamp(g * rms, short.MinValue, short.MaxValue);
        }

        return s;
    }

    [Fact]
    public void Vad_separates_speech_from_silence_and_stationary_noise()
    {
        var speech = SpeechCorpus.Load(SpeechCorpus.Wide(1, "slt"));
        var noise = Noise(SpeechAudio.SampleRate * 2, 300, 1);
        // 1 s of noise, speech mixed over noise, 1 s of noise.
        var mixed = new short[noise.Length + speech.Length];
        var bg = Noise(mixed.Length, 300, 2);
        for (var i = 0; i < mixed.Length; i++)
        {
            var sp = i >= SpeechAudio.SampleRate && i - SpeechAudio.SampleRate < speech.Length ? speech[i - SpeechAudio.SampleRate] : 0;
            mixed[i] = (short)Math.Clamp(bg[i] + sp, short.MinValue, short.MaxValue);
        }

        var probs = Run(new SpectralVad(), mixed);
        var speechStart = 50;
        var speechEnd = 50 + (speech.Length / SpeechAudio.FrameSamples);
        // The leading noise second (after a 10-frame settle) must be quiet.
        var falseAlarms = probs[10..50].Count(p => p >= 0.5) / 40.0;
        var trailing = probs[(speechEnd + 10)..].Count(p => p >= 0.5) / (double)(probs.Length - speechEnd - 10);
        // Speech frames include pauses between words, so ask for a majority, not all.
        var hits = probs[speechStart..speechEnd].Count(p => p >= 0.5) / (double)(speechEnd - speechStart);
        output.WriteLine($"hit {hits:P0}, false alarm lead {falseAlarms:P0} trail {trailing:P0}");
        Assert.True(hits > 0.6, $"speech detected in {hits:P0} of speech frames");
        Assert.True(falseAlarms < 0.05 && trailing < 0.05, $"false alarms {falseAlarms:P0}/{trailing:P0}");
        Assert.All(Run(new SpectralVad(), new short[SpeechAudio.SampleRate]), p => Assert.Equal(0, p));
    }

    [Fact]
    public void Endpointer_ends_a_phrase_after_the_configured_silence_and_chunks_long_speech()
    {
        List<(int Frame, EndpointEvent Event)> Run(float[] pattern, int tentativeMs = 400)
        {
            var ep = new Endpointer(new EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(400), TentativeSilence = TimeSpan.FromMilliseconds(tentativeMs), SoftMaxPhrase = TimeSpan.FromSeconds(2), ChunkSilence = TimeSpan.FromMilliseconds(100) });
            var list = new List<(int, EndpointEvent)>();
            for (var i = 0; i < pattern.Length; i++)
            {
                var e = ep.Process(pattern[i]);
                if (e != EndpointEvent.None)
                {
                    list.Add((i, e));
                }
            }

            return list;
        }

        // Short phrase: starts after 100 ms of speech, ends after 400 ms (20 frames) of silence; a 200 ms pause inside does not end it.
        var shortPhrase = Run([.. Enumerable.Repeat(1f, 30), .. Enumerable.Repeat(0f, 10), .. Enumerable.Repeat(1f, 20), .. Enumerable.Repeat(0f, 30)]);
        Assert.Equal([(4, EndpointEvent.PhraseStarted), (60 + 19, EndpointEvent.PhraseEnded)], shortPhrase);

        // With a 200 ms provisional end: the inner pause closes the phrase provisionally and speech resumes it; the final
        // pause closes it provisionally after 10 frames and confirms it after 20.
        var provisional = Run([.. Enumerable.Repeat(1f, 30), .. Enumerable.Repeat(0f, 10), .. Enumerable.Repeat(1f, 20), .. Enumerable.Repeat(0f, 30)], tentativeMs: 200);
        Assert.Equal(
            [(4, EndpointEvent.PhraseStarted), (39, EndpointEvent.PhraseTentativelyEnded), (40, EndpointEvent.PhraseResumed), (69, EndpointEvent.PhraseTentativelyEnded), (79, EndpointEvent.PhraseEnded)],
            provisional);

        // Long speech: after the 2 s soft maximum a 100 ms pause already cuts it; continuous speech is cut at the hard maximum.
        var longPhrase = Run([.. Enumerable.Repeat(1f, 120), .. Enumerable.Repeat(0f, 10), .. Enumerable.Repeat(1f, 700)]);
        Assert.Equal((120 + 4, EndpointEvent.PhraseChunked), longPhrase[1]);
        Assert.Contains(longPhrase, e => e.Event == EndpointEvent.PhraseChunked && e.Frame > 700);

        // Past the soft maximum the chunking pause (100 ms) comes first; no provisional end is taken there.
        Assert.DoesNotContain(Run([.. Enumerable.Repeat(1f, 120), .. Enumerable.Repeat(0f, 30)], tentativeMs: 200), e => e.Event == EndpointEvent.PhraseTentativelyEnded);
    }

    [Fact]
    public async Task Emotion_arousal_separates_excited_from_subdued_synthetic_speech()
    {
        var sentences = new[] { "I can not believe this happened again", "Please tell me what is going on here", "We have to finish this today", "Where did you put the keys" };
        var detector = new ProsodyEmotionDetector();
        var correct = 0;
        var highLabels = new List<EmotionLabel>();
        foreach (var (s, i) in sentences.Select((s, i) => (s, i)))
        {
            var voice = i % 2 == 0 ? "en-us+m3" : "en-us+f2";
            var high = SpeechCorpus.Espeak(s, "-v", voice, "-p", "80", "-s", "230", "-a", "190");
            var low = SpeechCorpus.Espeak(s, "-v", voice, "-p", "25", "-s", "120", "-a", "50");
            var rh = await detector.DetectAsync(high, SpeechAudio.SampleRate, null, SpeechContext.None);
            var rl = await detector.DetectAsync(low, SpeechAudio.SampleRate, null, SpeechContext.None);
            output.WriteLine($"{s}: high {rh.Arousal:F2} {rh.Label} ({rh.Confidence:F2}), low {rl.Arousal:F2} {rl.Label} ({rl.Confidence:F2})");
            correct += rh.Arousal > rl.Arousal ? 1 : 0;
            highLabels.Add(rh.Label);
            Assert.InRange(rh.Confidence, 0, 0.6);
            Assert.InRange(rl.Confidence, 0, 0.6);
        }

        Assert.True(correct >= 3, $"{correct}/{sentences.Length} pairs ordered by arousal");
    }

    [Fact]
    public void Text_sentiment_moves_valence_and_handles_negation()
    {
        Assert.True(SentimentLexicon.Score("this is great, thank you") > 0.3);
        Assert.True(SentimentLexicon.Score("this is terrible and I am angry") < -0.3);
        Assert.True(SentimentLexicon.Score("this is not good") < 0);
        Assert.Null(SentimentLexicon.Score("the table is in the room"));
    }

    [Fact]
    public void Yin_finds_the_pitch_of_a_harmonic_tone()
    {
        var s = new short[2000];
        for (var i = 0; i < s.Length; i++)
        {
            var t = i / (double)SpeechAudio.SampleRate;
            s[i] = (short)((6000 * Math.Sin(2 * Math.PI * 130 * t)) + (3000 * Math.Sin(2 * Math.PI * 260 * t)) + (1500 * Math.Sin(2 * Math.PI * 390 * t)));
        }

        Assert.InRange(PitchTracker.Estimate(s, SpeechAudio.SampleRate), 127, 133);
    }

    [Fact]
    public void Trailing_quiet_is_measured_from_the_last_loud_frame()
    {
        static short[] Tone(double seconds, double amplitude) =>
            [.. Enumerable.Range(0, (int)(seconds * 16000)).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * 300 * i / 16000.0)))];
        var loud = Tone(0.5, 10000);
        Assert.Equal(300, AudioMath.TrailingQuiet([.. loud, .. new short[4800]], 16000).TotalMilliseconds, 0);
        // A faint tail (35 dB below the phrase, or under −50 dBFS) is quiet too; a tail 20 dB down is still sound.
        Assert.Equal(300, AudioMath.TrailingQuiet([.. loud, .. Tone(0.3, 100)], 16000).TotalMilliseconds, 0);
        Assert.Equal(0, AudioMath.TrailingQuiet([.. loud, .. Tone(0.3, 1000)], 16000).TotalMilliseconds, 0);
        Assert.Equal(TimeSpan.Zero, AudioMath.TrailingQuiet([], 16000));
    }
}
