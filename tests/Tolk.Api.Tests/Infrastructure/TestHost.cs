using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tolk.Data;
using Tolk.Testing;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>A real Kestrel host on 127.0.0.1 with the data and API layers, as the server wires them.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string AdminEmail = "root@provider.test";
    public const string AdminPassword = "provider-root-pw";

    private readonly Dictionary<string, string?> _settings;

    private TestHost(WebApplication app, string directory, ManualTimeProvider clock, TolkInitResult init, Dictionary<string, string?> settings, ErrorLog errors)
    {
        _settings = settings;
        Errors = errors;
        App = app;
        Directory = directory;
        Clock = clock;
        Init = init;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public WebApplication App { get; }
    public string Directory { get; }
    public ManualTimeProvider Clock { get; }
    public TolkInitResult Init { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>What the host logged at Error and above.</summary>
    public ErrorLog Errors { get; }

    public static async Task<TestHost> StartAsync(string provider, IDictionary<string, string?>? extra = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"tolk-api-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?>
        {
            ["Tolk:Data:Provider"] = provider,
            ["Tolk:Data:Directory"] = directory,
            ["TOLK_ADMIN_EMAIL"] = AdminEmail,
            ["TOLK_ADMIN_PASSWORD"] = AdminPassword,
        };
        if (provider == "postgresql")
        {
            settings["Tolk:Data:ConnectionString"] = await PostgresServer.NewDatabaseAsync();
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return await StartWithAsync(directory, settings);
    }

    /// <summary>
    /// Stops this host (as a normal shutdown does) and starts a new one on the same database and data directory;
    /// the new host owns the directory from then on.
    /// </summary>
    public async Task<TestHost> RestartAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        return await StartWithAsync(Directory, _settings);
    }

    private static async Task<TestHost> StartWithAsync(string directory, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = directory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddTolkData(builder.Configuration);
        builder.Services.AddTolkApi(builder.Configuration);
        var app = builder.Build();
        var init = await app.Services.InitializeTolkDatabaseAsync();
        app.MapTolkApi();
        await app.StartAsync();
        return new TestHost(app, directory, clock, init, settings, errors);
    }

    public HttpClient Client(string? bearer = null, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public async Task<string> TokenAsync(string email, string password)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {email} failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite WAL files may still be closing; the temp directory is harmless.
        }
    }
}
