using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Bench.Transport;

/// <summary>
/// A small SIP-over-TLS UAC load generator: each worker holds one TLS connection and loops
/// INVITE → (1xx) → 200 → ACK → BYE → 200, reporting call setups per second, failures and setup latency.
/// SIPp in Debian has no TLS, hence this driver.
/// <code>
/// dotnet run -c Release --project bench/Tolk.Bench -- tls-load --target 127.0.0.1:5061 --server-name sip.tolk.test
///     --pin AB:CD:… --concurrency 20 --duration 30 --uri sip:5000@demo.tolk.test
/// dotnet run -c Release --project bench/Tolk.Bench -- tls-load --self      (against an in-process UAS on Tolk's transport)
/// --reconnect opens a new TLS connection (full handshake) for every call.
/// </code>
/// </summary>
public static class TlsCallLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = LoadOptions.Parse(args);
        if (o is null)
        {
            Console.Error.WriteLine("usage: tls-load (--self | --target HOST:PORT [--server-name NAME] [--pin SHA256 | --no-verify])");
            Console.Error.WriteLine("       [--uri sip:5000@host] [--concurrency N] [--duration SECONDS] [--calls N] [--tls 1.2|1.3] [--reconnect]");
            return 2;
        }
        await using var uas = o.Self ? await LoopbackUas.StartAsync() : null;
        if (uas is not null)
        {
            o = o with { Target = uas.EndPoint, ServerName = "sip.tolk.test", Pin = uas.Fingerprint };
            Console.WriteLine($"in-process UAS on tls:{uas.EndPoint} (Tolk SipTransportManager)");
        }

        var stats = new LoadStats();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.DurationSeconds));
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, o.Concurrency).Select(i => WorkerAsync(i, o, stats, stop.Token)).ToArray();
        var reporter = ReportAsync(stats, clock, stop.Token);
        await Task.WhenAll(workers);
        await stop.CancelAsync();
        await reporter;
        clock.Stop();

        var latencies = stats.SetupMilliseconds.ToArray();
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calls completed {stats.Completed}, failed {stats.Failed}, connect failures {stats.ConnectFailures}, " +
            $"{stats.Completed / clock.Elapsed.TotalSeconds:F1} setups/s over {clock.Elapsed.TotalSeconds:F1} s, " +
            $"setup p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, " +
            $"handshakes {stats.Handshakes} (server bytes avg {(stats.Handshakes == 0 ? 0 : stats.HandshakeBytes / stats.Handshakes)}, min {(stats.Handshakes == 0 ? 0 : stats.SmallestHandshake)}, max {stats.LargestHandshake})"));
        return stats.Failed + stats.ConnectFailures == 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static async Task ReportAsync(LoadStats stats, Stopwatch clock, CancellationToken token)
    {
        long last = 0;
        try
        {
            while (true)
            {
                await Task.Delay(1000, token);
                var now = Interlocked.Read(ref stats.Completed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,6:F1}s  {now - last,6} setups/s  total {now}  failed {stats.Failed}"));
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WorkerAsync(int worker, LoadOptions o, LoadStats stats, CancellationToken token)
    {
        var call = 0;
        while (!token.IsCancellationRequested && (o.Calls <= 0 || Interlocked.Read(ref stats.Started) < o.Calls))
        {
            SslStream ssl;
            Socket socket;
            try
            {
                (socket, ssl) = await ConnectAsync(o, stats, token);
            }
            catch (Exception ex) when (ex is SocketException or AuthenticationException or IOException or OperationCanceledException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
                Interlocked.Increment(ref stats.ConnectFailures);
                await Task.Delay(100, CancellationToken.None);
                continue;
            }
            using (socket)
            await using (ssl)
            {
                var reader = new SipStreamReader(ssl);
                var local = (IPEndPoint)socket.LocalEndPoint!;
                while (!token.IsCancellationRequested && (o.Calls <= 0 || Interlocked.Increment(ref stats.Started) <= o.Calls))
                {
                    try
                    {
                        var started = Stopwatch.GetTimestamp();
                        if (await PlaceCallAsync(ssl, reader, o, local, $"w{worker}c{call++}", token))
                        {
                            stats.SetupMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            Interlocked.Increment(ref stats.Completed);
                            if (o.Reconnect)
                            {
                                break; // one TLS handshake per call
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref stats.Failed);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException)
                    {
                        if (!token.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref stats.Failed);
                        }
                        break; // reconnect
                    }
                }
            }
        }
    }

    private static async Task<(Socket, SslStream)> ConnectAsync(LoadOptions o, LoadStats stats, CancellationToken token)
    {
        var socket = new Socket(o.Target!.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(o.Target, token);
        var counting = new CountingStream(new NetworkStream(socket, ownsSocket: false));
        var ssl = new SslStream(counting);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = o.ServerName ?? o.Target.Address.ToString(),
            EnabledSslProtocols = o.Protocols,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        if (o.Pin is not null)
        {
            options.RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && SipCertificates.FingerprintEquals(o.Pin, SipCertificates.Sha256Fingerprint(c));
        }
        else if (o.NoVerify)
        {
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        await ssl.AuthenticateAsClientAsync(options, token);
        // A resumed handshake (RFC 8446 §2.2) carries no certificate: far fewer bytes from the server.
        stats.AddHandshake(counting.BytesRead);
        return (socket, ssl);
    }

    /// <summary>One call: INVITE, wait for the final answer, ACK it, BYE, wait for the BYE's 200.</summary>
    private static async Task<bool> PlaceCallAsync(SslStream ssl, SipStreamReader reader, LoadOptions o, IPEndPoint local, string callId, CancellationToken token)
    {
        var sentBy = local.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]:{local.Port}" : local.ToString();
        var branch = "z9hG4bK" + callId + "i";
        // SDES-keyed SRTP offer (RFC 4568), as a TLS phone would send; a RTP/SAVP offer without a=crypto is refused with 488.
        const string Sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 8\r\na=rtpmap:8 PCMA/8000\r\n" +
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
        await WriteAsync(ssl, Message($"INVITE {o.Uri} SIP/2.0", sentBy, branch, callId, 1, "INVITE", null, o.Uri,
            $"Contact: <sip:load@{sentBy};transport=tls>\r\nContent-Type: application/sdp\r\n", Sdp), token);

        SipResponse final;
        while (true)
        {
            var m = await reader.ReadAsync(token);
            if (m is SipRequest inDialog)
            {
                await AnswerAsync(ssl, inDialog, token);
                continue;
            }
            var r = (SipResponse)m;
            if (r.CallId != callId || r.IsProvisional)
            {
                continue;
            }
            final = r;
            break;
        }
        var toTag = final.To?.Tag;
        var to = final.Headers[SipHeaderNames.To] ?? $"<{o.Uri}>";
        if (!final.IsSuccess)
        {
            // RFC 3261 §17.1.1.3: the ACK for a non-2xx final shares the INVITE's branch.
            await WriteAsync(ssl, Message($"ACK {o.Uri} SIP/2.0", sentBy, branch, callId, 1, "ACK", to, o.Uri, "", ""), token);
            return false;
        }
        var target = final.Contacts.FirstOrDefault()?.Uri.ToString() ?? o.Uri;
        await WriteAsync(ssl, Message($"ACK {target} SIP/2.0", sentBy, "z9hG4bK" + callId + "a", callId, 1, "ACK", to, o.Uri, "", ""), token);
        await WriteAsync(ssl, Message($"BYE {target} SIP/2.0", sentBy, "z9hG4bK" + callId + "b", callId, 2, "BYE", to, o.Uri, "", ""), token);
        while (true)
        {
            var m = await reader.ReadAsync(token);
            if (m is SipRequest req)
            {
                await AnswerAsync(ssl, req, token);
                continue;
            }
            var r = (SipResponse)m;
            if (r.CallId == callId && r.CSeq?.Method == "BYE" && r.IsFinal)
            {
                return r.IsSuccess && toTag is not null;
            }
        }
    }

    private static ValueTask AnswerAsync(SslStream ssl, SipRequest request, CancellationToken token) =>
        request.Method == SipMethods.Ack ? ValueTask.CompletedTask : WriteAsync(ssl, SipResponse.CreateFor(request, 200, toTag: "load").ToString(), token);

    private static string Message(string startLine, string sentBy, string branch, string callId, int cseq, string method, string? to, string uri, string extra, string body) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{startLine}\r\nVia: SIP/2.0/TLS {sentBy};branch={branch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:load@tolk.test>;tag={callId}\r\n" +
            $"To: {to ?? "<" + uri + ">"}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\n{extra}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    private static ValueTask WriteAsync(SslStream ssl, string text, CancellationToken token) => ssl.WriteAsync(Encoding.UTF8.GetBytes(text), token);

    private sealed class LoadStats
    {
        public long Started;
        public long Completed;
        public long Failed;
        public long ConnectFailures;
        public readonly ConcurrentBag<double> SetupMilliseconds = [];
        public long Handshakes;
        public long HandshakeBytes;
        public long SmallestHandshake = long.MaxValue;
        public long LargestHandshake;

        public void AddHandshake(long bytes)
        {
            Interlocked.Increment(ref Handshakes);
            Interlocked.Add(ref HandshakeBytes, bytes);
            lock (SetupMilliseconds)
            {
                SmallestHandshake = Math.Min(SmallestHandshake, bytes);
                LargestHandshake = Math.Max(LargestHandshake, bytes);
            }
        }
    }

    /// <summary>Counts the bytes read through it (the server's side of the TLS handshake).</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        private int Count(int n)
        {
            BytesRead += n;
            return n;
        }
    }

    private sealed record LoadOptions(
        bool Self,
        IPEndPoint? Target,
        string? ServerName,
        string? Pin,
        bool NoVerify,
        string Uri,
        int Concurrency,
        int DurationSeconds,
        long Calls,
        SslProtocols Protocols,
        bool Reconnect)
    {
        public static LoadOptions? Parse(string[] args)
        {
            var o = new LoadOptions(false, null, null, null, false, "sip:5000@tolk.test", 10, 10, 0, SslProtocols.Tls12 | SslProtocols.Tls13, false);
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--self" => o with { Self = true },
                    "--target" => o with { Target = IPEndPoint.Parse(Next()) },
                    "--server-name" => o with { ServerName = Next() },
                    "--pin" => o with { Pin = Next() },
                    "--no-verify" => o with { NoVerify = true },
                    "--reconnect" => o with { Reconnect = true },
                    "--uri" => o with { Uri = Next() },
                    "--concurrency" => o with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--duration" => o with { DurationSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--calls" => o with { Calls = long.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--tls" => o with { Protocols = Next() == "1.2" ? SslProtocols.Tls12 : SslProtocols.Tls13 },
                    _ => o,
                };
            }
            return o.Self || o.Target is not null ? o : null;
        }
    }
}
