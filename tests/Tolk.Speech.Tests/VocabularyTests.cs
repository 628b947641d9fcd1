using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

/// <summary>A pruned vocabulary keeps the language model's most probable words; hint phrases bring others back.</summary>
public sealed class VocabularyTests(ITestOutputHelper output)
{
    [Fact]
    public void Words_are_ranked_by_the_language_models_unigram_probability()
    {
        var ranked = Vocabulary.RankedWords(new PocketSphinxOptions().LanguageModel);
        Assert.True(ranked.Count > 70_000, $"{ranked.Count} unigrams");
        Assert.DoesNotContain(ranked, w => w.StartsWith('<'));
        int Rank(string w) => ranked.IndexOf(w);
        Assert.InRange(Rank("the"), 0, 5);
        Assert.True(Rank("meeting") < Rank("stakeholder"), $"meeting {Rank("meeting")}, stakeholder {Rank("stakeholder")}");
        Assert.True(Rank("stakeholder") > 30_000, $"stakeholder {Rank("stakeholder")}");
    }

    [Fact]
    public void A_pruned_decoder_knows_the_common_words_and_not_the_rare_ones()
    {
        using var pruned = new PocketSphinxDecoder(new PocketSphinxOptions { VocabularySize = 20_000 });
        using var whole = new PocketSphinxDecoder(new PocketSphinxOptions());
        Assert.True(pruned.IsKnownWord("meeting"));
        Assert.False(pruned.IsKnownWord("stakeholder"));
        Assert.True(whole.IsKnownWord("stakeholder"));
    }

    [Fact]
    public void The_full_dictionary_gives_every_pronunciation_of_a_word()
    {
        var dictionary = new PocketSphinxOptions().Dictionary;
        Assert.Equal(["P R OW K Y UH R M AH N T"], Vocabulary.DictionaryPronunciations(dictionary, "procurement"));
        Assert.True(Vocabulary.DictionaryPronunciations(dictionary, "either").Count() >= 2);
        Assert.Empty(Vocabulary.DictionaryPronunciations(dictionary, "zorblat"));
    }

    [Fact]
    public async Task A_word_left_out_of_the_vocabulary_comes_back_with_a_hint_phrase()
    {
        var clip = SpeechCorpus.Load(SpeechCorpus.Flite("please send the invoices to the procurement team", "slt", "vocabulary-procurement"));
        var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { VocabularySize = 10_000 });
        var without = await Recognition.FinalTextAsync(recognizer, clip);
        var with = await Recognition.FinalTextAsync(recognizer, clip, ["procurement"]);
        var whole = await Recognition.FinalTextAsync(new PocketSphinxRecognizer(), clip);
        output.WriteLine($"10,000 words: '{without}'; with the hint: '{with}'; every word: '{whole}'");
        Assert.Contains("procurement", whole, StringComparison.Ordinal);
        Assert.DoesNotContain("procurement", without, StringComparison.Ordinal);
        Assert.Contains("procurement", with, StringComparison.Ordinal);
    }
}
