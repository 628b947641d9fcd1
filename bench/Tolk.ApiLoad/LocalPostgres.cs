using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tolk.ApiLoad;

/// <summary>Starts a throw-away PostgreSQL 15 (Debian binaries) on a loopback port for the run.</summary>
internal sealed class LocalPostgres : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private readonly bool _asRoot = Environment.UserName == "root";

    private LocalPostgres(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=tolk_bench;Maximum Pool Size=64";

    public static async Task<LocalPostgres> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"tolk-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", $"postgres:postgres {dir}", false);
        }

        await RunAsync(Path.Combine(BinDir, "initdb"), $"-D {dir}/data -A trust -U postgres --no-sync", asRoot);
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        // Durable settings (fsync on): the numbers should reflect a real server, not a RAM disk.
        await RunAsync(Path.Combine(BinDir, "pg_ctl"),
            $"-D {dir}/data -l {dir}/log -w -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1\" start", asRoot);
        return new LocalPostgres(dir, port);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(Path.Combine(BinDir, "pg_ctl"), $"-D {_dir}/data -m immediate -w stop", _asRoot);
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task RunAsync(string file, string args, bool asPostgres)
    {
        var psi = asPostgres ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {args}") : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await err}");
        }
    }
}
