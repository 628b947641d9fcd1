using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tolk.Sip.Tests.Sdp;

/// <summary>
/// Runs a real baresip (Debian package) that dials a UDP socket owned by the test, so tests see the exact
/// INVITE — SDP offer and digest answers — that a deployed softphone sends. Only raw text is exchanged:
/// these tests exercise SDP and digest code, not a SIP stack.
/// </summary>
internal sealed class BaresipPeer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/baresip";
    private readonly string _dir;
    private readonly Process _process;

    private readonly List<string> _log = [];

    public UdpClient Socket { get; }

    /// <summary>What baresip printed so far (for assertion messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    private void AddLog(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }

    private BaresipPeer(string dir, Process process, UdpClient socket)
    {
        _dir = dir;
        _process = process;
        Socket = socket;
    }

    /// <summary>Starts baresip with the given account parameters (after the AOR), dialling our socket.</summary>
    public static BaresipPeer Start(string accountParameters)
    {
        Assert.True(File.Exists(Binary), "baresip is not installed (see scripts/install-deps.sh)");
        var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var ourPort = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
        var dir = Directory.CreateTempSubdirectory("tolk-baresip-").FullName;
        var sipPort = FreeUdpPort();
        var wav = Path.Combine(dir, "in.wav");
        WriteSilentWav(wav);
        var rtpBase = 41000 + (sipPort % 200) * 20;
        File.WriteAllText(Path.Combine(dir, "config"), $"""
            module_path /usr/lib/baresip/modules
            sip_listen 127.0.0.1:{sipPort}
            net_interface 127.0.0.1
            rtp_ports {rtpBase}-{rtpBase + 19}
            audio_source aufile,{wav}
            audio_player aubridge,nowhere
            module g711.so
            module g722.so
            module opus.so
            module aufile.so
            module aubridge.so
            module srtp.so
            module_app account.so
            module_app menu.so

            """);
        File.WriteAllText(Path.Combine(dir, "accounts"), $"<sip:alice@127.0.0.1>;regint=0;{accountParameters}\n");
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", dir, "-e", $"/dial sip:5000@127.0.0.1:{ourPort}", "-t", "15" })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        var peer = new BaresipPeer(dir, process, socket);
        process.OutputDataReceived += (_, e) => peer.AddLog(e.Data);
        process.ErrorDataReceived += (_, e) => peer.AddLog(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Waits for the next SIP request whose method is <paramref name="method"/>, skipping retransmissions of others.</summary>
    public async Task<(string Text, IPEndPoint From)> ReceiveAsync(string method, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            UdpReceiveResult r;
            try
            {
                r = await Socket.ReceiveAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";
                throw new TimeoutException($"no {method} from baresip ({state}) within {timeout}; its output ends:\n"
                    + string.Join('\n', Log.Split('\n').TakeLast(10)));
            }
            var text = Encoding.UTF8.GetString(r.Buffer);
            if (text.StartsWith(method + " ", StringComparison.Ordinal))
            {
                return (text, r.RemoteEndPoint);
            }
        }
    }

    public static string Body(string message)
    {
        var i = message.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return i < 0 ? string.Empty : message[(i + 4)..];
    }

    /// <summary>Values of header <paramref name="name"/> (full name, case-insensitive), in order.</summary>
    public static IEnumerable<string> Headers(string message, string name)
    {
        var head = message[..Math.Max(0, message.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && string.Equals(line[..colon].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                yield return line[(colon + 1)..].Trim();
            }
        }
    }

    /// <summary>Sends a response to <paramref name="request"/>, echoing Via, From, To (+tag), Call-ID and CSeq.</summary>
    public async Task RespondAsync(string request, IPEndPoint to, string statusLine, IEnumerable<string> extraHeaders)
    {
        var sb = new StringBuilder("SIP/2.0 ").Append(statusLine).Append("\r\n");
        foreach (var via in Headers(request, "Via"))
        {
            sb.Append("Via: ").Append(via).Append("\r\n");
        }
        sb.Append("From: ").Append(Headers(request, "From").Single()).Append("\r\n");
        sb.Append("To: ").Append(Headers(request, "To").Single()).Append(";tag=tolk1\r\n");
        sb.Append("Call-ID: ").Append(Headers(request, "Call-ID").Single()).Append("\r\n");
        sb.Append("CSeq: ").Append(Headers(request, "CSeq").Single()).Append("\r\n");
        foreach (var h in extraHeaders)
        {
            sb.Append(h).Append("\r\n");
        }
        sb.Append("Content-Length: 0\r\n\r\n");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        await Socket.SendAsync(bytes, to);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        Socket.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>
    /// A port free for UDP and TCP, with the next one free for TCP too: baresip listens for SIP on UDP and
    /// TCP at the port and for TLS on the next one, and exits when any bind fails.
    /// </summary>
    private static int FreeUdpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            // 20000–23999 (TLS on port + 1 included): below the ephemeral range and apart from the RTP ranges of
            // Tolk.Conferencing.Tests (24000–29999) and Tolk.EndToEnd's servers (30000–39999), which run in parallel.
            var port = Random.Shared.Next(20000, 23999);
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                var tcp = new TcpListener(IPAddress.Loopback, port);
                var tls = new TcpListener(IPAddress.Loopback, port + 1);
                tcp.Start();
                tls.Start();
                tcp.Stop();
                tls.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
        throw new InvalidOperationException("no free port for baresip");
    }

    private static void WriteSilentWav(string path)
    {
        const int samples = 8000;
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + samples * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(8000);
        w.Write(16000);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        w.Write(new byte[samples * 2]);
    }
}

/// <summary>baresip tests run one at a time: each starts a process and binds ports.</summary>
[CollectionDefinition(Name)]
public sealed class BaresipCollection
{
    public const string Name = "baresip";
}
