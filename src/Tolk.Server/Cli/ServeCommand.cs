using System.CommandLine;
using Tolk.Server.Hosting;

namespace Tolk.Server.Cli;

/// <summary>`tolk serve`: starts the SIP listeners, the management API and the demo tenant.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "JSON configuration file." };
        var udp = new Option<string[]>("--sip-udp") { Description = "UDP listener host:port (repeatable).", AllowMultipleArgumentsPerToken = false };
        var tcp = new Option<string[]>("--sip-tcp") { Description = "TCP listener host:port (repeatable)." };
        var tls = new Option<string[]>("--sip-tls") { Description = "TLS listener host:port (repeatable)." };
        var cert = new Option<string?>("--tls-cert") { Description = "TLS certificate: PEM (with --tls-key) or PFX." };
        var key = new Option<string?>("--tls-key") { Description = "PEM private key for --tls-cert." };
        var http = new Option<string?>("--http") { Description = "Management API listener host:port." };
        var data = new Option<string?>("--data") { Description = "Data directory (database, TLS material)." };

        var command = new Command("serve", "Run the Tolk server.");
        foreach (var o in new Option[] { config, udp, tcp, tls, cert, key, http, data })
        {
            command.Options.Add(o);
        }
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            AddList(overrides, "Sip:Udp", parse.GetValue(udp));
            AddList(overrides, "Sip:Tcp", parse.GetValue(tcp));
            AddList(overrides, "Sip:Tls", parse.GetValue(tls));
            Add(overrides, "Sip:TlsCertificate", parse.GetValue(cert));
            Add(overrides, "Sip:TlsKey", parse.GetValue(key));
            Add(overrides, "Http:Listen", parse.GetValue(http));
            Add(overrides, "DataDirectory", parse.GetValue(data));
            return await TolkServer.RunAsync(parse.GetValue(config)?.FullName, overrides, cancellationToken);
        });
        return command;
    }

    private static void Add(Dictionary<string, string?> d, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            d[key] = value;
        }
    }

    private static void AddList(Dictionary<string, string?> d, string key, string[]? values)
    {
        if (values is not { Length: > 0 })
        {
            return;
        }
        for (var i = 0; i < values.Length; i++)
        {
            d[$"{key}:{i}"] = values[i];
        }
    }
}
