using Tolk.Speech.Local.Apertium;

namespace Tolk.Speech.Tests;

/// <summary>
/// The resident-pipeline mechanics, on small shell pipelines that speak the null-flush protocol (answer each
/// <c>text\n\0</c> with its text and a NUL), so slowness, hangs and exits can be scripted; the real Apertium
/// pipelines are exercised by <see cref="TranslatorTests"/>.
/// </summary>
public sealed class ApertiumProcessTests
{
    // Upper-cases every request; answers byte for byte as it reads, NULs included.
    private const string Echo = "stdbuf -o0 tr a-z A-Z";

    // The same, a quarter of a second per request (bash reads up to each NUL).
    private const string Slow = """bash -c 'while IFS= read -r -d "" x; do sleep 0.25; printf "%s\0" "${x^^}"; done'""";

    [Fact]
    public async Task Concurrent_requests_are_pipelined_and_each_gets_its_own_answer()
    {
        using var process = new ApertiumProcess(Slow, TimeSpan.FromSeconds(10));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => process.TranslateAsync($"request {i}", CancellationToken.None)));

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"REQUEST {i}\n"), answers);
        Assert.Equal(0, process.Restarts);
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_leaves_the_pipeline_running_and_the_next_caller_gets_its_own_answer()
    {
        using var process = new ApertiumProcess(Slow, TimeSpan.FromSeconds(10));
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => process.TranslateAsync("first", impatient.Token));
        var next = await process.TranslateAsync("second", CancellationToken.None);

        Assert.Equal("SECOND\n", next);
        Assert.Equal(0, process.Restarts);
    }

    [Fact]
    public async Task A_pipeline_that_answers_nothing_is_restarted_and_its_callers_are_told()
    {
        using var process = new ApertiumProcess("cat > /dev/null", TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<SpeechProviderException>(() => process.TranslateAsync("hello", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("answered nothing for 300 ms", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, process.Restarts);
    }

    [Fact]
    public async Task A_pipeline_that_exits_fails_its_request_and_the_next_one_starts_a_new_pipeline()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"apertium-once-{Guid.NewGuid():N}");
        try
        {
            // Exits the first time it is started, echoes from then on.
            using var process = new ApertiumProcess($"if [ -e {marker} ]; then {Echo}; else touch {marker}; exit 3; fi", TimeSpan.FromSeconds(10));

            await Assert.ThrowsAsync<SpeechProviderException>(() => process.TranslateAsync("hello", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
            var answer = await process.TranslateAsync("again", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal("AGAIN\n", answer);
            Assert.Equal(1, process.Restarts);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Answers_split_across_reads_and_multibyte_text_come_back_whole()
    {
        using var process = new ApertiumProcess("stdbuf -o0 cat", TimeSpan.FromSeconds(10));
        var text = string.Concat(Enumerable.Repeat("mañana, ¿qué tal? ", 600)); // ≈ 12 KB: several reads

        var answer = await process.TranslateAsync(text, CancellationToken.None);

        Assert.Equal(text + "\n", answer);
    }
}
