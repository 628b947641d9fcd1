using Tolk.Conferencing.Translation;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>Speaker pipelines start only for speakers someone needs translated, and stop after a grace period.</summary>
public sealed class PipelineLifecycleTests
{
    private static int StartedFor(TranslationHarness h, string id) => h.Factory.Started.Count(p => p.Options.Context.ParticipantId == id);

    [Fact]
    public async Task Same_language_callers_get_no_pipeline_until_a_listener_of_another_language_joins()
    {
        await using var h = new TranslationHarness();
        h.Join("alice", "en");
        h.Join("carol", "en");
        Assert.Empty(h.Factory.Started);

        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Factory.Started.Count == 3 && h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["carol"]), "pipelines");
        await Task.Delay(50);
        Assert.Equal(1, StartedFor(h, "alice"));
        Assert.Equal(1, StartedFor(h, "carol"));
        Assert.Equal(1, StartedFor(h, "bob"));
        Assert.Equal(3, h.Factory.Started.Count);
    }

    [Fact]
    public async Task Pipelines_stop_after_the_grace_period_once_the_last_foreign_listener_left()
    {
        await using var h = new TranslationHarness();
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "pipeline");
        var alice = h.Factory.For("alice");

        h.Translation.Leave(h["bob"]);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(alice.Disposed);
        Assert.True(h.Translation.HasPipeline(h["alice"]));
        // No one needs Alice translated meanwhile: her audio is not recognised.
        h.People["alice"].Input.Frames.Enqueue(Enumerable.Repeat((short)1000, 320).ToArray());
        h.Tick();
        Assert.Empty(alice.Frames);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await TranslationHarness.WaitUntil(() => alice.Disposed, "pipeline stopped");
        Assert.False(h.Translation.HasPipeline(h["alice"]));
        Assert.Equal(1, StartedFor(h, "alice"));

        // A new Spanish listener starts her pipeline again.
        h.Join("bob2", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "restarted");
        Assert.Equal(2, StartedFor(h, "alice"));
    }

    [Fact]
    public async Task A_flapping_listener_does_not_restart_the_speakers_pipeline()
    {
        await using var h = new TranslationHarness();
        h.Join("alice", "en");
        for (var i = 0; i < 20; i++)
        {
            var id = "bob" + i;
            h.Join(id, "es");
            await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "pipeline");
            h.Translation.Leave(h[id]);
            h.Mixer.RemoveParticipant(h[id]);
            h.Time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(1, StartedFor(h, "alice"));
        Assert.False(h.Factory.For("alice").Disposed);

        h.Time.Advance(TimeSpan.FromSeconds(20));
        await TranslationHarness.WaitUntil(() => h.Factory.For("alice").Disposed, "stopped after the last one");
    }

    [Fact]
    public async Task Configured_phrase_detection_reaches_every_speakers_pipeline()
    {
        var endpointing = new Tolk.Speech.Local.Vad.EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(320), TentativeSilence = TimeSpan.FromMilliseconds(120) };
        await using var h = new TranslationHarness(new HarnessOptions { Translation = new ConferenceTranslationOptions { Endpointing = endpointing } });
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "alice's pipeline");
        Assert.Same(endpointing, h.Factory.For("alice").Options.Endpointing);

        // Without a setting each pipeline gets the defaults.
        await using var d = new TranslationHarness();
        d.Join("alice", "en");
        d.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => d.Translation.IsTranslating(d["alice"]), "alice's pipeline (defaults)");
        Assert.Equal(TimeSpan.FromMilliseconds(400), d.Factory.For("alice").Options.Endpointing.EndSilence);
    }

    [Fact]
    public async Task Zero_grace_stops_at_once_and_leaving_stops_the_leavers_pipeline()
    {
        await using var h = new TranslationHarness(new HarnessOptions { Translation = new ConferenceTranslationOptions { PipelineIdleGrace = TimeSpan.Zero } });
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && StartedFor(h, "bob") == 1, "pipelines");
        var bob = h.Factory.For("bob");
        h.Translation.Leave(h["bob"]);
        await TranslationHarness.WaitUntil(() => h.Factory.For("alice").Disposed && bob.Disposed, "both stopped");
        Assert.False(h.Translation.HasPipeline(h["alice"]));
    }

    [Fact]
    public async Task Speech_heard_while_the_pipeline_starts_is_kept_and_pushed_in_order()
    {
        await using var h = new TranslationHarness();
        h.Factory.StartGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Join("alice", "en");
        h.Join("bob", "es");
        for (short i = 1; i <= 10; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(Enumerable.Repeat(i, 320).ToArray());
        }
        h.Tick(10);
        Assert.Empty(h.Factory.Started);

        h.Factory.StartGate.SetResult();
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "pipeline");
        h.People["alice"].Input.Frames.Enqueue(Enumerable.Repeat((short)11, 320).ToArray());
        h.Tick();
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (short)i), h.Factory.For("alice").Frames.Select(f => f[0]));
    }
}
