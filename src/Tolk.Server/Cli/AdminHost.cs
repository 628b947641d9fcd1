using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Data;
using Tolk.Server.Hosting;

namespace Tolk.Server.Cli;

/// <summary>
/// The data services of `tolk serve`, without listeners, for operator verbs run on the box. It reads
/// the same configuration sources (file, TOLK_ environment, --data) so it opens the same database.
/// </summary>
internal static class AdminHost
{
    public static async Task<ServiceProvider> OpenAsync(string? configFile, string? dataDirectory, CancellationToken ct)
    {
        var configuration = ConfigurationSources.FileAndEnvironment(configFile);
        var data = Path.GetFullPath(dataDirectory ?? configuration["DataDirectory"] ?? "./data");
        Directory.CreateDirectory(data);
        var withData = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Tolk:Data:Directory"] = data })
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(withData);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddTolkData(withData);
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantAdminService>().MigrateAsync(ct);
        return provider;
    }

    /// <summary>Runs <paramref name="action"/> with a scoped admin service attributed to the operator.</summary>
    public static async Task<int> RunAsync(string? configFile, string? dataDirectory, Func<TenantAdminService, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        await using var provider = await OpenAsync(configFile, dataDirectory, ct);
        await using var scope = provider.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Actor = "cli:" + Environment.UserName;
        try
        {
            return await action(scope.ServiceProvider.GetRequiredService<TenantAdminService>(), ct);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
    }
}
