namespace Tolk.EndToEnd.Infrastructure;

/// <summary>One `tolk serve` process shared by the tests of a class.</summary>
public sealed class TolkServerFixture : IAsyncLifetime
{
    public TolkServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TolkServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// A `tolk serve` process with live translation off, for tests of the plain mix-minus (with translation on, a
/// listener of another language hears each original ducked under its translation).
/// </summary>
public sealed class UntranslatedTolkServerFixture : IAsyncLifetime
{
    public TolkServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TolkServerProcess.StartAsync(new Dictionary<string, string> { ["TOLK_Translation__Enabled"] = "false" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
