namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// A real `tolk serve` process on loopback ports of its own, with its own data directory and known
/// demo passwords, as an operator would run it.
/// </summary>
public sealed class TolkServerProcess : IAsyncDisposable
{
    public const string Domain = "demo.tolk.test";

    private readonly ExternalProcess _process;

    private TolkServerProcess(ExternalProcess process, int udp, int tcp, int tls, int http, string dataDir)
    {
        _process = process;
        UdpPort = udp;
        TcpPort = tcp;
        TlsPort = tls;
        HttpPort = http;
        DataDirectory = dataDir;
    }

    public static IReadOnlyDictionary<string, string> Passwords { get; } = new Dictionary<string, string>
    {
        ["alice"] = "alice-Secret-1",
        ["bob"] = "bob-Secret-2",
        ["carol"] = "carol-Secret-3",
    };

    public int UdpPort { get; }

    public int TcpPort { get; }

    public int TlsPort { get; }

    public int HttpPort { get; }

    public string DataDirectory { get; }

    /// <summary>The first master admin, created from TOLK_ADMIN_EMAIL / TOLK_ADMIN_PASSWORD on first start.</summary>
    public const string AdminEmail = "ops@provider.test";

    public const string AdminPassword = "Provider-Admin-Secret-42";

    public Uri HttpBase => new($"http://127.0.0.1:{HttpPort}/");

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public static async Task<TolkServerProcess> StartAsync(IDictionary<string, string>? extraEnvironment = null, IEnumerable<string>? extraArguments = null)
    {
        var udp = FreePorts.Next();
        var tcp = FreePorts.Next();
        var tls = FreePorts.Next();
        var http = FreePorts.Next();
        var data = Directory.CreateTempSubdirectory("tolk-e2e-").FullName;
        var env = new Dictionary<string, string>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["TOLK_ADMIN_EMAIL"] = AdminEmail,
            ["TOLK_ADMIN_PASSWORD"] = AdminPassword,
            // Customers' PBXs identified by their certificate's domain present certificates from this CA.
            ["TOLK_Sip__ClientCaFile"] = PbxCertificates.CaPemFile,
            // The Kamailio SBC of SbcTests relays from its own loopback address.
            ["TOLK_Sip__TrustedProxies__0"] = KamailioSbc.Address,
        };
        foreach (var (user, password) in Passwords)
        {
            env[$"TOLK_Demo__Passwords__{user}"] = password;
        }
        if (extraEnvironment is not null)
        {
            foreach (var (k, v) in extraEnvironment)
            {
                env[k] = v;
            }
        }
        var dll = Path.Combine(AppContext.BaseDirectory, "tolk.dll");
        var process = ExternalProcess.Start("dotnet", [
            dll, "serve",
            "--sip-udp", $"127.0.0.1:{udp}",
            "--sip-tcp", $"127.0.0.1:{tcp}",
            "--sip-tls", $"127.0.0.1:{tls}",
            "--http", $"127.0.0.1:{http}",
            "--data", data,
            .. extraArguments ?? [],
        ], environment: env);
        var server = new TolkServerProcess(process, udp, tcp, tls, http, data);
        try
        {
            await process.WaitForOutputAsync($"SIP listening on tls:127.0.0.1:{tls}", TimeSpan.FromSeconds(90));
            await process.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
