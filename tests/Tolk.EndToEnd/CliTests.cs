using System.Text.Json;
using System.Text.RegularExpressions;
using Tolk.EndToEnd.Infrastructure;
using Tolk.Speech.Text;

namespace Tolk.EndToEnd;

/// <summary>The `tolk` operator verbs, run as an operator would, against a fresh data directory.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("tolk-cli-").FullName;

    private static async Task<(int Exit, string Output)> TolkAsync(params string[] args)
    {
        await using var p = ExternalProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "tolk.dll"), .. args]);
        var exit = await p.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, p.Output);
    }

    [Fact]
    public async Task Tenants_users_and_api_keys_are_created_and_listed()
    {
        var created = await TolkAsync("tenant", "create", "--name", "Globex", "--domain", "globex.tolk.test", "--data", _data);
        Assert.True(created.Exit == 0, created.Output);
        Assert.Contains("globex.tolk.test", created.Output, StringComparison.Ordinal);

        var list = await TolkAsync("tenant", "list", "--data", _data);
        Assert.Contains("Globex", list.Output, StringComparison.Ordinal);

        var user = await TolkAsync("user", "create", "--email", "admin@globex.test", "--role", "tenant-admin", "--tenant", "globex.tolk.test", "--data", _data);
        Assert.True(user.Exit == 0, user.Output);
        Assert.Contains("password (shown once):", user.Output, StringComparison.Ordinal);

        var key = await TolkAsync("apikey", "create", "--tenant", "globex.tolk.test", "--name", "crm", "--data", _data);
        Assert.True(key.Exit == 0, key.Output);
        Assert.Contains("key (shown once):", key.Output, StringComparison.Ordinal);

        var unknown = await TolkAsync("apikey", "create", "--tenant", "nowhere.test", "--name", "x", "--data", _data);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("No tenant", unknown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_verbs_use_the_local_engines()
    {
        var translated = await TolkAsync("speech", "translate", "--from", "en", "--to", "es", "Good morning");
        Assert.True(translated.Exit == 0, translated.Output);
        Assert.Contains("Buenos días", translated.Output, StringComparison.Ordinal);

        var wav = Path.Combine(_data, "es.wav");
        var spoken = await TolkAsync("speech", "synthesize", "--lang", "es", "--out", wav, "Buenos días a todos");
        Assert.True(spoken.Exit == 0, spoken.Output);
        Assert.True(new FileInfo(wav).Length > 16000, "synthesised audio too short");

        var unsupported = await TolkAsync("speech", "translate", "--from", "en", "--to", "de", "hello");
        Assert.Equal(2, unsupported.Exit);
    }

    [Fact]
    public async Task Speech_verbs_read_the_servers_speech_configuration()
    {
        // The same file `tolk serve --config` takes: a setting the server would refuse is refused here too, by name.
        var config = Path.Combine(_data, "tolk.json");
        await File.WriteAllTextAsync(config, """{ "Speech": { "Recognition": { "VocabularySize": 500 } } }""");
        var wav = Path.Combine(_data, "en.wav");
        var spoken = await TolkAsync("speech", "synthesize", "--lang", "en", "--out", wav, "Good morning");
        Assert.True(spoken.Exit == 0, spoken.Output);

        var refused = await TolkAsync("speech", "transcribe", "--config", config, wav);
        Assert.Equal(2, refused.Exit);
        Assert.DoesNotContain("   at ", refused.Output, StringComparison.Ordinal); // a message, not a stack trace
        Assert.Contains("Speech:Recognition:VocabularySize must be 0 (every word) or 1000–200000 (was 500)", refused.Output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, """{ "Speech": { "Recognition": { "VocabularySize": 20000 } } }""");
        var transcribed = await TolkAsync("speech", "transcribe", "--config", config, wav);
        Assert.True(transcribed.Exit == 0, transcribed.Output);
    }

    [Fact]
    public async Task Demo_translate_places_two_calls_and_the_listener_hears_spanish()
    {
        const string Sentence = "I would like a cup of coffee.";
        var output = Path.Combine(_data, "demo");
        var demo = await TolkAsync("demo", "translate", "--out", output, "--text", Sentence);
        Assert.True(demo.Exit == 0, demo.Output);
        var lines = ReadTranscript(Path.Combine(output, "transcript.json"));
        Assert.True(lines.Count > 0, "no transcript\n" + demo.Output);

        // pocketsphinx's words move with where the phrase falls in the call's frames (and may split it in two), so
        // recognition is judged by word error rate over the whole phrase: a broken path recognises nothing like it.
        var recognised = string.Join(' ', lines.Select(l => l.Text));
        var (errors, words) = WordErrorRate.Count(Words(Sentence), Words(recognised));
        Assert.True(errors <= words / 2, $"recognised \"{recognised}\" for \"{Sentence}\"\n{demo.Output}");

        // Every phrase has a Spanish translation, and it is what bob's listener was told (the printed transcript).
        foreach (var (text, spanish) in lines)
        {
            Assert.False(string.IsNullOrWhiteSpace(spanish) || spanish.Equals(text, StringComparison.OrdinalIgnoreCase), $"translation of \"{text}\": \"{spanish}\"");
            Assert.Contains($"→ [es]: {spanish}", demo.Output, StringComparison.Ordinal);
        }
        // Where the key word was heard, it must come out in Spanish (Apertium: coffee → café).
        if (recognised.Contains("coffee", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Contains("café", string.Join(' ', lines.Select(l => l.Spanish)), StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("first frame in bob's mix es", demo.Output, StringComparison.Ordinal);

        // bob's recording holds the Spanish speech; alice's holds none of it (only join cues).
        var bob = WavAnalysis.Read(Path.Combine(output, "bob-heard-es.wav"));
        var alice = WavAnalysis.Read(Path.Combine(output, "alice-heard.wav"));
        Assert.True(WavAnalysis.ActiveSeconds(bob, 0.015) > 1.0, $"bob heard {WavAnalysis.ActiveSeconds(bob, 0.015):F2} s of speech");
        Assert.True(WavAnalysis.ActiveSeconds(alice, 0.015) < 0.7, $"alice heard {WavAnalysis.ActiveSeconds(alice, 0.015):F2} s");
    }

    /// <summary>The demo's transcript.json: each phrase's English text and its Spanish translation ("" if none).</summary>
    private static List<(string Text, string Spanish)> ReadTranscript(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.EnumerateArray().Select(l => (
            l.GetProperty("Text").GetString() ?? "",
            l.GetProperty("Translations").TryGetProperty("es", out var es) ? es.GetString() ?? "" : ""))];
    }

    /// <summary>Lower-case words without punctuation: the recogniser prints none, the typed sentence has some.</summary>
    private static string Words(string text) =>
        string.Join(' ', Regex.Split(text.ToLowerInvariant(), "[^\\p{L}\\p{N}']+").Where(w => w.Length > 0));

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
