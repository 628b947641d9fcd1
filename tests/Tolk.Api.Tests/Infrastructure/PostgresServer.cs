using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 started once per test run from the Debian binaries (initdb + pg_ctl) in a
/// temporary directory on a free loopback port, and stopped when the test process exits.
/// </summary>
public static class PostgresServer
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private static readonly Lazy<Task<int>> Port = new(StartAsync);
    private static string? _dir;

    /// <summary>A connection string to a fresh database on the shared server.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var port = await Port.Value;
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=tolk_{Guid.NewGuid():N};Pooling=true;Maximum Pool Size=50";
    }

    private static async Task<int> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDir}); apt-get install postgresql.");
        }

        _dir = Path.Combine(Path.GetTempPath(), $"tolk-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", $"postgres:postgres {_dir}", asPostgres: false);
        }

        var data = Path.Combine(_dir, "data");
        await RunAsync(Path.Combine(BinDir, "initdb"), $"-D {data} -A trust -U postgres --no-sync", asRoot);
        var port = FreePort();
        await RunAsync(Path.Combine(BinDir, "pg_ctl"),
            $"-D {data} -l {Path.Combine(_dir, "log")} -w -o \"-p {port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start",
            asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync().GetAwaiter().GetResult();
        return port;
    }

    /// <summary>Stops the server and removes its directory (called when the PostgreSQL tests are done).</summary>
    public static async Task StopAsync()
    {
        var dir = Interlocked.Exchange(ref _dir, null);
        if (dir is null || !Port.IsValueCreated)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(BinDir, "pg_ctl"), $"-D {Path.Combine(dir, "data")} -m immediate -w stop", Environment.UserName == "root");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string args, bool asPostgres)
    {
        var psi = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {args}")
            : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }
}
