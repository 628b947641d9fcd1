using System.Net;
using System.Net.Sockets;
using System.Text;
using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// Hostile input against a real server: an INVITE flood from one source is throttled with 503 and
/// Retry-After, garbage on every transport is shrugged off, and the server keeps serving.
/// </summary>
public sealed class AbuseTests
{
    private static string Invite(int i, int localPort) =>
        $"INVITE sip:5000@demo.tolk.test SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{localPort};branch=z9hG4bKflood{i}\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:flood@example.org>;tag=f{i}\r\n" +
        "To: <sip:5000@demo.tolk.test>\r\n" +
        $"Call-ID: flood-{i}@example.org\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Content-Length: 0\r\n\r\n";

    [Fact]
    public async Task Flood_and_garbage_do_not_stop_the_server()
    {
        await using var server = await TolkServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["TOLK_Sip__RateLimitPerSecond"] = "10",
            ["TOLK_Sip__RateLimitBurst"] = "20",
        });

        // 1. INVITE flood from one source: beyond the burst, 503 with Retry-After.
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var localPort = ((IPEndPoint)udp.LocalEndPoint!).Port;
        var target = new IPEndPoint(IPAddress.Loopback, server.UdpPort);
        var flood = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            await udp.SendToAsync(Encoding.ASCII.GetBytes(Invite(i, localPort)), target);
        }
        var statuses = new Dictionary<int, int>();
        var retryAfter = 0;
        var buffer = new byte[8192];
        // Every admitted or refused INVITE has been judged by the time its 100 or 503 comes back: the bucket refilled
        // for at most that long. A loaded server may take seconds over the flood, so listen until the verdicts have
        // been quiet for 3 s and each admitted call has its 200 (at most 30 s), instead of for a fixed time.
        var lastVerdict = TimeSpan.Zero;
        // An INVITE is admitted when it gets a 100 or its 200 (RFC 3261 §17.2.1: no 100 when the answer comes within
        // 200 ms), so admissions are counted per Call-ID, not by 100s.
        var admitted = new HashSet<string>(StringComparer.Ordinal);
        using (var cap = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                while (flood.Elapsed - lastVerdict < TimeSpan.FromSeconds(3) || statuses.GetValueOrDefault(200) < statuses.GetValueOrDefault(100))
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cap.Token);
                    quiet.CancelAfter(TimeSpan.FromSeconds(1));
                    int got;
                    try
                    {
                        got = await udp.ReceiveAsync(buffer, quiet.Token);
                    }
                    catch (OperationCanceledException) when (!cap.IsCancellationRequested)
                    {
                        continue;
                    }
                    var text = Encoding.UTF8.GetString(buffer, 0, got);
                    var code = int.Parse(text.AsSpan(8, 3), System.Globalization.CultureInfo.InvariantCulture);
                    statuses[code] = statuses.GetValueOrDefault(code) + 1;
                    var callId = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase))?[8..].Trim() ?? "";
                    if (code is 100 or 200 && admitted.Add(callId) || code == 503)
                    {
                        lastVerdict = flood.Elapsed;
                    }
                    if (code == 503 && text.Contains("\r\nRetry-After: ", StringComparison.OrdinalIgnoreCase))
                    {
                        retryAfter++;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        var summary = string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}")) + $"; {admitted.Count} admitted; verdicts within {lastVerdict.TotalSeconds:F2} s";
        // Loopback UDP may drop some of a 200-datagram burst; what arrives beyond the bucket is refused.
        Assert.True(statuses.GetValueOrDefault(503) >= 100, summary);
        // The burst of 20 (less any datagrams lost) plus what refilled at 10/s while the server worked through the flood.
        var refilled = (int)Math.Ceiling(10 * lastVerdict.TotalSeconds);
        Assert.InRange(admitted.Count, 15, 20 + refilled + 1);
        Assert.True(retryAfter == statuses.GetValueOrDefault(503), $"every 503 carries Retry-After: {summary}");
        // The admitted ones were processed, not dropped: no SDP is a late offer, answered 200 with our offer
        // (retransmitted until an ACK that never comes).
        Assert.True(statuses.GetValueOrDefault(200) >= statuses.GetValueOrDefault(100), summary);

        // 2. Garbage on every transport.
        for (var i = 0; i < 200; i++)
        {
            await udp.SendToAsync(Encoding.ASCII.GetBytes($"\u0001garbage {i} \u00ff\r\n\r\n"), target);
        }
        foreach (var port in new[] { server.TcpPort, server.TlsPort })
        {
            for (var i = 0; i < 5; i++)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0016\u0003\u0001 not a handshake"));
            }
        }
        // A half-open connection that never sends anything.
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, server.TlsPort);

        // 3. Still serving, over every transport, and still alive.
        Assert.False(server.HasExited, server.Output);
        var options = await Sipp.RunAsync("options.xml", "tcp", server.TcpPort);
        Assert.True(options.ExitCode == 0 && options.Successful == 1, options.Errors);
        var udpOptions = await Sipp.RunAsync("options.xml", "udp", server.UdpPort);
        Assert.True(udpOptions.ExitCode == 0 && udpOptions.Successful == 1, udpOptions.Errors);
    }
}
