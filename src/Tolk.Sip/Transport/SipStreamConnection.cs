using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>
/// One TCP or TLS connection on System.IO.Pipelines: a receive loop fills a bounded input pipe, a
/// process loop frames (RFC 3261 §18.3) and parses, a send loop drains a bounded output pipe. Closing
/// cancels <see cref="Closed"/>.
/// </summary>
internal sealed class SipStreamConnection
{
    private static readonly byte[] Pong = "\r\n"u8.ToArray();

    private readonly SipTransportManager _owner;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly int _maxPendingSend;
    private long _pendingSend;
    private long _lastReceive;
    private int _closing;
    private Task _sendLoop = Task.CompletedTask;

    public SipStreamConnection(
        SipTransportManager owner,
        string id,
        Socket socket,
        Stream stream,
        SipEndPoint remote,
        SipEndPoint local,
        bool isOutbound,
        string? tlsServerName,
        X509Certificate2? peerCertificate,
        bool peerCertificateTrusted,
        int maxPendingBytes,
        int maxMessageBytes,
        long now)
    {
        _owner = owner;
        Id = id;
        _socket = socket;
        _stream = stream;
        Remote = remote;
        Local = local;
        IsOutbound = isOutbound;
        TlsServerName = tlsServerName;
        PeerCertificate = peerCertificate;
        PeerCertificateTrusted = peerCertificateTrusted;
        _maxPendingSend = maxPendingBytes;
        _lastReceive = now;

        // The input pipe must hold one whole message, or framing could never complete.
        var inputPause = Math.Max(maxPendingBytes, 2 * maxMessageBytes);
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: inputPause, resumeWriterThreshold: inputPause / 2, useSynchronizationContext: false));
        // Sends are refused beyond maxPendingBytes (SendAsync), so the output pipe never pauses a writer.
        var outputPause = 2L * maxPendingBytes + maxMessageBytes;
        _output = new Pipe(new PipeOptions(pauseWriterThreshold: outputPause, resumeWriterThreshold: outputPause / 2, useSynchronizationContext: false));
    }

    public string Id { get; }

    public SipTransportKind Kind => Remote.Transport;

    public SipEndPoint Remote { get; }

    public SipEndPoint Local { get; }

    public bool IsOutbound { get; }

    public string? TlsServerName { get; }

    /// <summary>
    /// The peer's TLS certificate: the server's on an outbound connection (verified, or pinned), the client's on an
    /// inbound one when the listener asked for it (checked only as <see cref="PeerCertificateTrusted"/> says).
    /// </summary>
    public X509Certificate2? PeerCertificate { get; }

    /// <summary>Whether <see cref="PeerCertificate"/> passed the configured checks (chain or trusted fingerprint).</summary>
    public bool PeerCertificateTrusted { get; }

    public CancellationToken Closed => _closed.Token;

    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    public long LastReceiveTimestamp => Volatile.Read(ref _lastReceive);

    /// <summary>Whether this connection counts against the per-address limit (inbound ones do).</summary>
    public bool PerAddressSlot { get; set; }

    public void Start()
    {
        _sendLoop = SendLoopAsync();
        _ = ReceiveLoopAsync();
        _ = ProcessLoopAsync();
    }

    /// <summary>Queues bytes for the send loop; refuses (rather than buffers without bound) when the peer is not reading.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (IsClosing)
        {
            throw new SipTransportException($"Connection {Id} is closed.");
        }
        if (Interlocked.Add(ref _pendingSend, data.Length) > _maxPendingSend)
        {
            Interlocked.Add(ref _pendingSend, -data.Length);
            Interlocked.Increment(ref _owner.Statistics._sendRejected);
            throw new SipTransportException($"Connection {Id} has more than {_maxPendingSend} bytes unsent.");
        }
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (IsClosing)
            {
                throw new SipTransportException($"Connection {Id} is closed.");
            }
            await _output.Writer.WriteAsync(data, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes once: lets queued bytes go out briefly, then tears the socket down and tells the owner.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        _ = CloseCoreAsync(reason);
    }

    private async Task CloseCoreAsync(string reason)
    {
        try
        {
            await _writeLock.WaitAsync();
            try
            {
                await _output.Writer.CompleteAsync();
            }
            finally
            {
                _writeLock.Release();
            }
            // Give the send loop a moment to flush a final error response (e.g. 513 before closing).
            await _sendLoop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            await _closed.CancelAsync();
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            try
            {
                await _stream.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or AuthenticationException)
            {
            }
            _socket.Dispose();
            _owner.OnConnectionClosed(this, reason);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var n = await _stream.ReadAsync(memory, _closed.Token);
                if (n == 0)
                {
                    break;
                }
                Volatile.Write(ref _lastReceive, _owner.Timestamp());
                writer.Advance(n);
                var flush = await writer.FlushAsync(_closed.Token);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or AuthenticationException or InvalidOperationException)
        {
        }
        finally
        {
            await writer.CompleteAsync();
        }
    }

    private async Task ProcessLoopAsync()
    {
        var reader = _input.Reader;
        var reason = "peer closed";
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(CancellationToken.None);
                var buffer = result.Buffer;
                var framingError = false;
                while (!IsClosing)
                {
                    var kind = SipStreamFramer.TryRead(ref buffer, _owner.Limits, out var frame, out var status);
                    if (kind == SipFrameKind.NeedMoreData)
                    {
                        break;
                    }
                    switch (kind)
                    {
                        case SipFrameKind.Message:
                            await _owner.OnFrameAsync(this, frame);
                            break;
                        case SipFrameKind.KeepAlivePing:
                            // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a CRLF pong.
                            Interlocked.Increment(ref _owner.Statistics._keepAlivePings);
                            await TrySendAsync(Pong);
                            break;
                        case SipFrameKind.Error:
                            await _owner.OnFramingErrorAsync(this, buffer, status);
                            framingError = true;
                            break;
                    }
                    if (framingError)
                    {
                        break;
                    }
                }
                if (framingError)
                {
                    reason = "framing error";
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || IsClosing)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = "error: " + ex.GetType().Name;
        }
        finally
        {
            await reader.CompleteAsync();
            Close(reason);
        }
    }

    private async ValueTask TrySendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            await SendAsync(data, _closed.Token);
        }
        catch (Exception ex) when (ex is SipTransportException or OperationCanceledException)
        {
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        var failed = false;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_closed.Token);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await _stream.WriteAsync(segment, _closed.Token);
                }
                if (!buffer.IsEmpty)
                {
                    await _stream.FlushAsync(_closed.Token);
                }
                Interlocked.Add(ref _pendingSend, -buffer.Length);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or AuthenticationException or InvalidOperationException or NotSupportedException)
        {
            failed = true;
        }
        finally
        {
            await reader.CompleteAsync();
        }
        if (failed)
        {
            Close("send failed");
        }
    }
}
