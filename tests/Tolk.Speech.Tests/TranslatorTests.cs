using Tolk.Speech.Local.Apertium;

namespace Tolk.Speech.Tests;

public sealed class ApertiumFixture : IDisposable
{
    public ApertiumTranslator Translator { get; } = new();

    public void Dispose() => Translator.Dispose();
}

public sealed class TranslatorTests(ApertiumFixture fixture) : IClassFixture<ApertiumFixture>
{
    private readonly ApertiumTranslator _apertium = fixture.Translator;

    public static TheoryData<string, string, string, string[]> PhraseTable => new()
    {
        { "en", "es", "The weather is nice today.", ["tiempo", "hoy"] },
        { "en", "es", "I would like to book a meeting for tomorrow morning.", ["reunión", "mañana"] },
        { "es", "en", "El gato negro duerme en la casa.", ["cat", "black", "house"] },
        { "fr", "es", "Le chat noir dort dans la maison.", ["gato", "negro", "casa"] },
        { "es", "fr", "El gato negro duerme en la casa.", ["chat", "maison"] },
        { "en", "fr", "The black cat sleeps in the house.", ["chat", "maison"] },
        { "en", "ca", "The weather is nice today.", ["temps", "avui"] },
        { "en-US", "es-ES", "Thank you very much.", ["gracias"] },
    };

    [Theory]
    [MemberData(nameof(PhraseTable))]
    public async Task Translates_phrase_table(string source, string target, string text, string[] expected)
    {
        var r = await _apertium.TranslateAsync(text, source, target, SpeechContext.None);
        foreach (var word in expected)
        {
            Assert.Contains(word, r.Text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain('*', r.Text);
    }

    [Fact]
    public async Task Concurrent_speakers_each_get_the_translation_of_their_own_sentence()
    {
        string[] sentences =
        [
            "The weather is nice today.", "I would like to book a meeting for tomorrow morning.", "Thank you very much.",
            "The black cat sleeps in the house.", "We need to discuss the budget for next year.", "Can you hear me clearly?",
        ];
        var alone = new List<string>();
        foreach (var s in sentences)
        {
            alone.Add((await _apertium.TranslateAsync(s, "en", "es", SpeechContext.None)).Text);
        }

        // Several rounds at once, interleaved: pipelined requests must never swap answers.
        var together = await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => sentences)
            .Select(async s => (s, (await _apertium.TranslateAsync(s, "en", "es", SpeechContext.None)).Text)));

        foreach (var (sentence, text) in together)
        {
            Assert.Equal(alone[Array.IndexOf(sentences, sentence)], text);
        }
    }

    [Fact]
    public async Task English_to_French_pivots_through_Spanish()
    {
        var r = await _apertium.TranslateAsync("Good morning.", "en", "fr", SpeechContext.None);
        Assert.Equal("apertium(en>es>fr)", r.Provider);
        Assert.Contains("jour", r.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unsupported_pair_is_a_clear_error()
    {
        var ex = await Assert.ThrowsAsync<UnsupportedLanguagePairException>(async () => await _apertium.TranslateAsync("Hello", "en", "ja", SpeechContext.None));
        Assert.Equal("ja", ex.Target);
        Assert.False(_apertium.Capabilities.Supports("en", "ja"));
        Assert.True(_apertium.Capabilities.Supports("en", "fr"));
    }

    [Fact]
    public async Task Reserved_characters_do_not_break_the_stream_and_unknown_marks_are_stripped()
    {
        var r1 = await _apertium.TranslateAsync("It costs $5 ^ [ten] {a} <b> / c @ d * e # f \\ g.", "en", "es", SpeechContext.None);
        Assert.Contains("5", r1.Text, StringComparison.Ordinal);
        var r2 = await _apertium.TranslateAsync("The flurbles are nice.", "en", "es", SpeechContext.None);
        Assert.Contains("flurbles", r2.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("*flurbles", r2.Text, StringComparison.Ordinal);
        // The pipeline stays in step after odd input: the next answer belongs to the next question.
        var r3 = await _apertium.TranslateAsync("The house.", "en", "es", SpeechContext.None);
        Assert.Contains("casa", r3.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Resident_pipeline_is_safe_under_concurrency()
    {
        var inputs = new[] { ("The house.", "casa"), ("The dog.", "perro"), ("The cat.", "gato"), ("The car.", "coche") };
        var tasks = Enumerable.Range(0, 24).Select(i => inputs[i % inputs.Length])
            .Select(async x => (x.Item2, (await _apertium.TranslateAsync(x.Item1, "en", "es", SpeechContext.None)).Text)).ToList();
        foreach (var (expected, actual) in await Task.WhenAll(tasks))
        {
            Assert.Contains(expected, actual, StringComparison.OrdinalIgnoreCase);
        }

    }

    [Fact]
    public async Task Batch_translates_targets_in_parallel_and_reports_failures_per_target()
    {
        var results = await _apertium.TranslateManyAsync("The house is big.", "en", ["es", "fr", "ca", "ja"], SpeechContext.None);
        Assert.Contains("casa", results["es"].Value!.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("maison", results["fr"].Value!.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("casa", results["ca"].Value!.Text, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<UnsupportedLanguagePairException>(results["ja"].Error);
    }

    [Theory]
    [InlineData("*El *tiempo es #bueno @hoy", "El tiempo es bueno hoy")]
    [InlineData("Cuesta \\$5 \\* 2", "Cuesta $5 * 2")]
    [InlineData("  a   b  ", "a b")]
    public void Clean_strips_marks_and_unescapes(string raw, string expected) => Assert.Equal(expected, ApertiumText.Clean(raw));

    [Fact]
    public void Escape_protects_reserved_characters_and_removes_nul() =>
        Assert.Equal("a \\^b\\$ \\[c\\] \\@ d", ApertiumText.Escape("a ^b$ [c] @\0d"));
}
