using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

public sealed class HintPhraseTests(ITestOutputHelper output)
{
    [Fact]
    public void Letter_to_sound_gives_model_phones() =>
        Assert.Equal("Z AO R B L AE T", Pronunciations.Lookup("zorblat"));

    [Fact]
    public async Task Out_of_vocabulary_hint_word_becomes_recognisable()
    {
        var clip = SpeechCorpus.Load(SpeechCorpus.Flite("please call zorblat tomorrow", "rms", "hint-zorblat"));
        Task<string> Recognise(IReadOnlyList<string>? hints) => Recognition.FinalTextAsync(new PocketSphinxRecognizer(), clip, hints);

        var without = await Recognise(null);
        var with = await Recognise(["Zorblat"]);
        output.WriteLine($"without hint: '{without}', with hint: '{with}'");
        Assert.DoesNotContain("zorblat", without, StringComparison.Ordinal);
        Assert.Contains("zorblat", with, StringComparison.Ordinal);
    }
}
