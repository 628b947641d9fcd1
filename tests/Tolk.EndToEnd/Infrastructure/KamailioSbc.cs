using System.Globalization;
using System.Net.Sockets;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// Debian's Kamailio as the SBC in front of a Tolk server: it listens on 127.0.0.2 (so the server tells it apart from
/// callers on other loopback addresses), record-routes new requests to the server over TCP, and writes where it received
/// each from into X-Tolk-Source after removing whatever a caller put there, as docs/sip.md describes.
/// </summary>
public sealed class KamailioSbc : IAsyncDisposable
{
    public const string Address = "127.0.0.2";

    private readonly ExternalProcess _process;
    private readonly string _dir;

    private KamailioSbc(ExternalProcess process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    /// <summary>The SBC's UDP and TCP port on <see cref="Address"/>.</summary>
    public int Port { get; }

    public string Output => _process.Output;

    public static async Task<KamailioSbc> StartAsync(int serverTcpPort)
    {
        var port = FreePorts.Next();
        var dir = Directory.CreateTempSubdirectory("kamailio-").FullName;
        var p = port.ToString(CultureInfo.InvariantCulture);
        var config = $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            fork=yes
            children=1
            tcp_children=1
            listen=udp:{{Address}}:{{p}}
            listen=tcp:{{Address}}:{{p}}
            auto_aliases=no
            tcp_source_ipv4={{Address}}
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "rr.so"
            loadmodule "maxfwd.so"
            loadmodule "siputils.so"
            loadmodule "textops.so"
            request_route {
                if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
                # Whatever a caller wrote there is not the SBC's word.
                remove_hf("X-Tolk-Source");
                if (has_totag()) {
                    if (loose_route()) { t_relay(); exit; }
                    if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
                    if (!is_method("ACK")) { sl_send_reply("404", "Not here"); }
                    exit;
                }
                if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
                t_check_trans();
                append_hf("X-Tolk-Source: $pr:$siz:$sp\r\n");
                record_route();
                $du = "sip:127.0.0.1:{{serverTcpPort.ToString(CultureInfo.InvariantCulture)}};transport=tcp";
                t_relay();
            }
            """;
        var path = Path.Combine(dir, "kamailio.cfg");
        await File.WriteAllTextAsync(path, config);
        var process = ExternalProcess.Start("kamailio", ["-f", path, "-DD", "-E", "-Y", dir, "-m", "64", "-M", "8"], workingDirectory: dir);
        var sbc = new KamailioSbc(process, dir, port);
        try
        {
            await WaitListeningAsync(port, process);
        }
        catch
        {
            await sbc.DisposeAsync();
            throw;
        }
        return sbc;
    }

    private static async Task WaitListeningAsync(int port, ExternalProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Address, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"Kamailio did not listen on {Address}:{port}:\n{process.Output}", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
