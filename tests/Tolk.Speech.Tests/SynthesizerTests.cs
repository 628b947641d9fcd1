using Tolk.Speech.Audio;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.Tts;
using Tolk.Speech.Metering;

namespace Tolk.Speech.Tests;

public sealed class SynthesizerTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "espeak-ng", "en", "The meeting starts in ten minutes." },
        { "espeak-ng", "es", "La reunión empieza en diez minutos." },
        { "espeak-ng", "fr", "La réunion commence dans dix minutes." },
        { "flite", "en", "The meeting starts in ten minutes." },
    };

    private static ISpeechSynthesizer Create(string name) => name == "flite" ? new FliteSynthesizer() : new EspeakSynthesizer();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Produces_non_silent_audio_of_plausible_duration(string engine, string language, string text)
    {
        var sink = new InMemorySpeechUsageSink();
        var synth = new MeteredSynthesizer(Create(engine), sink);
        var chunks = new List<AudioChunk>();
        await foreach (var c in synth.SynthesizeAsync(text, language, VoiceSettings.Default, SpeechContext.None))
        {
            chunks.Add(c);
        }

        var audio = chunks.SelectMany(c => c.Samples).ToArray();
        Assert.All(chunks, c => Assert.Equal(SpeechAudio.SampleRate, c.SampleRate));
        var seconds = audio.Length / (double)SpeechAudio.SampleRate;
        // Six words at 2–4 words/s plus edges.
        Assert.InRange(seconds, 1.0, 5.0);
        Assert.True(AudioMath.Dbfs(audio) > -35, "audio is too quiet");
        var usage = Assert.Single(sink.Items);
        Assert.Equal(text.Length, usage.Characters);
        Assert.Equal(seconds, usage.AudioSeconds, 3);
    }

    [Fact]
    public async Task Espeak_streams_several_chunks_for_a_long_phrase()
    {
        var synth = new EspeakSynthesizer();
        var n = 0;
        await foreach (var _ in synth.SynthesizeAsync("This is a longer sentence that takes a few seconds to say out loud.", "en", VoiceSettings.Default, SpeechContext.None))
        {
            n++;
        }

        Assert.True(n >= 5, $"only {n} chunks");
    }

    [Fact]
    public async Task Pitch_and_gender_settings_change_the_measured_pitch()
    {
        var synth = new EspeakSynthesizer();
        async Task<double> Pitch(VoiceSettings v)
        {
            var all = new List<short>();
            await foreach (var c in synth.SynthesizeAsync("Hello, how are you doing today?", "en", v, SpeechContext.None))
            {
                all.AddRange(c.Samples);
            }

            return ProsodyFeatures.Measure(all.ToArray(), SpeechAudio.SampleRate).MedianPitchHz;
        }

        var low = await Pitch(new VoiceSettings(Gender: VoiceGender.Male, Pitch: 25));
        var high = await Pitch(new VoiceSettings(Gender: VoiceGender.Female, Pitch: 75));
        Assert.True(high > low * 1.4, $"male/low {low:F0} Hz vs female/high {high:F0} Hz");
    }

    [Fact]
    public async Task Ssml_is_spoken_not_read_out()
    {
        var synth = new EspeakSynthesizer();
        var plain = 0;
        await foreach (var c in synth.SynthesizeAsync("Hello there.", "en", VoiceSettings.Default, SpeechContext.None))
        {
            plain += c.Samples.Length;
        }

        var ssml = 0;
        await foreach (var c in synth.SynthesizeAsync("<speak>Hello <break time=\"1s\"/> there.</speak>", "en", VoiceSettings.Default with { Ssml = true }, SpeechContext.None))
        {
            ssml += c.Samples.Length;
        }

        // The break adds about a second; reading the tags aloud would add several.
        Assert.InRange(ssml - plain, SpeechAudio.SampleRate * 0.6, SpeechAudio.SampleRate * 1.6);
    }

    [Fact]
    public void Voice_argument_maps_language_gender_and_variant()
    {
        Assert.Equal("es+f2", EspeakSynthesizer.VoiceArgument("es", new VoiceSettings(Gender: VoiceGender.Female)));
        Assert.Equal("en-us+m3", EspeakSynthesizer.VoiceArgument("en", new VoiceSettings(Gender: VoiceGender.Male, Variant: 3)));
        Assert.Equal("fr-fr", EspeakSynthesizer.VoiceArgument("fr", VoiceSettings.Default));
    }

    [Fact]
    public void Resampler_keeps_a_tone_and_its_level()
    {
        var input = new short[22050];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)(10000 * Math.Sin(2 * Math.PI * 440 * i / 22050.0));
        }

        var output = PcmResampler.Resample(input, 22050, 16000);
        Assert.InRange(output.Length, 15990, 16010);
        Assert.InRange(AudioMath.Rms(output.AsSpan(1000, 14000)), 10000 / Math.Sqrt(2) * 0.95, 10000 / Math.Sqrt(2) * 1.05);
        Assert.InRange(PitchTrackerHz(output), 430, 450);
    }

    [Theory]
    [InlineData(22050, 16000)] // espeak-ng: 320 phases, table
    [InlineData(44100, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 16001)] // 16,001 phases: too many for a table, kernel evaluated in place
    public void Resampler_output_does_not_depend_on_how_the_input_is_chunked_and_rejects_above_the_new_nyquist(int from, int to)
    {
        var input = new short[from];
        for (var i = 0; i < input.Length; i++)
        {
            // A passband tone plus one above the output's Nyquist frequency (where there is one).
            input[i] = (short)((8000 * Math.Sin(2 * Math.PI * 700 * i / (double)from)) + (from > to ? 8000 * Math.Sin(2 * Math.PI * (to * 0.6) * i / (double)from) : 0));
        }

        var whole = PcmResampler.Resample(input, from, to);
        var chunked = new List<short>();
        var resampler = new PcmResampler(from, to);
        for (var o = 0; o < input.Length; o += 441)
        {
            chunked.AddRange(resampler.Process(input.AsSpan(o, Math.Min(441, input.Length - o))));
        }

        chunked.AddRange(resampler.Finish());
        Assert.Equal(whole, chunked);
        Assert.InRange(whole.Length, to - 40, to + 10); // the tail short of the kernel's reach is not flushed
        // What is left after removing the 700 Hz tone is the alias of the high one (and filter ripple).
        var steady = whole.AsSpan(to / 10, to / 2).ToArray();
        var tone = Goertzel(steady, 700, to);
        var rest = Math.Sqrt(Math.Max(0, (AudioMath.Rms(steady) * AudioMath.Rms(steady)) - (tone * tone / 2)));
        Assert.InRange(tone, 8000 * 0.95, 8000 * 1.05);
        Assert.True(rest < 8000 * 0.02, $"{rest:F0} left besides the 700 Hz tone");
    }

    private static double Goertzel(short[] s, double hz, int rate)
    {
        double re = 0, im = 0;
        for (var i = 0; i < s.Length; i++)
        {
            re += s[i] * Math.Cos(2 * Math.PI * hz * i / rate);
            im -= s[i] * Math.Sin(2 * Math.PI * hz * i / rate);
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / s.Length;
    }

    private static double PitchTrackerHz(short[] s) => PitchTracker.Estimate(s.AsSpan(2000, 1200), SpeechAudio.SampleRate);
}
