using Tolk.Data;

namespace Tolk.Api.Tests;

/// <summary>The per-key async gate that idempotent creates take turns through.</summary>
public sealed class KeyedTurnsTests
{
    [Fact]
    public async Task Holders_of_one_key_take_turns_and_other_keys_pass()
    {
        var turns = new KeyedTurns<string>();
        var first = await turns.TakeAsync("k", CancellationToken.None);
        var second = turns.TakeAsync("k", CancellationToken.None).AsTask();
        var other = await turns.TakeAsync("other", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        first.Dispose();
        using (await second.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            other.Dispose();
            Assert.Equal(1, turns.Count);
        }

        Assert.Equal(0, turns.Count);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_nothing_behind()
    {
        var turns = new KeyedTurns<string>();
        var held = await turns.TakeAsync("k", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = turns.TakeAsync("k", cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        held.Dispose();
        Assert.Equal(0, turns.Count);
        // The key is free again.
        using var again = await turns.TakeAsync("k", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_default_turn_holds_nothing()
    {
        var none = default(KeyedTurns<string>.Turn);
        none.Dispose();
    }
}
