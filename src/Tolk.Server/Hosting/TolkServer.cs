using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Api;
using Tolk.Api.Live;
using Tolk.Data;

namespace Tolk.Server.Hosting;

/// <summary>Builds and runs the `tolk serve` host: SIP stack, calls, management API.</summary>
public static class TolkServer
{
    public static async Task<int> RunAsync(string? configFile, IDictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var app = Build(configFile, overrides);
        await InitializeAsync(app, Console.Out, cancellationToken);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>Migrates the database and seeds first-start data, printing generated secrets once.</summary>
    public static async Task InitializeAsync(WebApplication app, TextWriter console, CancellationToken cancellationToken)
    {
        var init = await app.Services.InitializeTolkDatabaseAsync(cancellationToken);
        if (init.GeneratedAdminPassword is { } password)
        {
            console.WriteLine($"master admin {init.AdminEmail} password (shown once): {password}");
        }
        var domain = app.Services.GetRequiredService<TolkServerOptions>().Demo.Domain;
        foreach (var (user, demoPassword) in init.GeneratedDemoPasswords ?? new Dictionary<string, string>())
        {
            console.WriteLine($"demo account {user}@{domain} password (shown once): {demoPassword}");
        }
    }

    public static WebApplication Build(string? configFile, IDictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(configFile, optional: false);
        }
        builder.Configuration.AddEnvironmentVariables("TOLK_");
        builder.Configuration.AddInMemoryCollection(overrides);

        var options = new TolkServerOptions();
        builder.Configuration.Bind(options);
        ApplyListenerDefaults(options);
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(options.DataDirectory);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tolk:Data:Directory"] = options.DataDirectory,
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k => k.Listen(ParseEndPoint(options.Http.Listen)));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        // Before the SIP host: hosted services stop in reverse order, and usage must be drained after the calls end.
        builder.Services.AddHostedService<UsageRecorderService>();
        builder.Services.AddTolkSip(options);
        builder.Services.AddSingleton<ITenantLiveStatus, SipLiveStatus>();
        builder.Services.AddTolkData(builder.Configuration);
        builder.Services.AddTolkApi(builder.Configuration);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapTolkApi();
        return app;
    }

    /// <summary>With no listener configured at all, listen on the standard ports on every interface.</summary>
    private static void ApplyListenerDefaults(TolkServerOptions options)
    {
        if (options.Sip.Udp.Count + options.Sip.Tcp.Count + options.Sip.Tls.Count > 0)
        {
            return;
        }
        options.Sip.Udp.Add("0.0.0.0:5060");
        options.Sip.Tcp.Add("0.0.0.0:5060");
        options.Sip.Tls.Add("0.0.0.0:5061");
    }

    internal static IPEndPoint ParseEndPoint(string hostPort)
    {
        if (IPEndPoint.TryParse(hostPort, out var ep) && ep.Port != 0 || hostPort.EndsWith(":0", StringComparison.Ordinal) && IPEndPoint.TryParse(hostPort, out ep))
        {
            return ep!;
        }
        var colon = hostPort.LastIndexOf(':');
        if (colon > 0 && hostPort[..colon] == "localhost" && int.TryParse(hostPort[(colon + 1)..], out var port))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }
        throw new FormatException($"Expected host:port (an IP address and a port), got '{hostPort}'.");
    }
}
