namespace Tolk.EndToEnd.Infrastructure;

/// <summary>One `tolk serve` process shared by the tests of a class.</summary>
public sealed class TolkServerFixture : IAsyncLifetime
{
    public TolkServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TolkServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
