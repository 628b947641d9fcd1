using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

public sealed partial class SipTransportManager
{
    private readonly ConcurrentDictionary<string, SipStreamConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<StreamKey, SipStreamConnection> _byRemote = new();
    private readonly ConcurrentDictionary<StreamKey, Lazy<Task<SipStreamConnection>>> _connecting = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _slots;
    private long _nextConnectionId;

    private SipEndPoint BindStream(SipListenerOptions listener)
    {
        var socket = CreateSocket(listener.Address, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(listener.Address, listener.Port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var local = new SipEndPoint(listener.Transport, (IPEndPoint)socket.LocalEndPoint!);
        _streams.Add(new StreamListener(socket, local));
        return local;
    }

    private async Task AcceptLoopAsync(StreamListener listener)
    {
        await Task.Yield();
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.Socket.AcceptAsync(token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // A connection reset before accept completed; keep listening.
                continue;
            }
            _ = AcceptConnectionAsync(listener, socket);
        }
    }

    private async Task AcceptConnectionAsync(StreamListener listener, Socket socket)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        if (!TryReserveSlot(remote.Address, perAddress: true, out var reason))
        {
            Interlocked.Increment(ref Statistics._connectionsRejected);
            SipTransportLog.ConnectionRejected(_logger, remote, reason);
            socket.Dispose();
            return;
        }
        var registered = false;
        try
        {
            socket.NoDelay = true;
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            string? serverName = null;
            X509Certificate2? peer = null;
            var peerTrusted = false;
            if (listener.Local.Transport == SipTransportKind.Tls)
            {
                var tls = await AuthenticateServerAsync(stream, socket, remote);
                if (tls is null)
                {
                    return;
                }
                (stream, serverName, peer, peerTrusted) = tls.Value;
            }
            var connection = new SipStreamConnection(
                this,
                NewConnectionId(listener.Local.Transport),
                socket,
                stream,
                new SipEndPoint(listener.Local.Transport, remote),
                new SipEndPoint(listener.Local.Transport, (IPEndPoint)socket.LocalEndPoint!),
                isOutbound: false,
                serverName,
                peer,
                peerTrusted,
                _options.MaxPendingBytes,
                _options.ParserLimits.MaxMessageBytes,
                _time.GetTimestamp());
            Register(connection, perAddress: true);
            registered = true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            socket.Dispose();
        }
        finally
        {
            if (!registered)
            {
                ReleaseSlot(remote.Address, perAddress: true);
            }
        }
    }

    private async Task<SipStreamConnection> GetOrConnectAsync(SipEndPoint remote, string? connectionId, string? hostName, CancellationToken cancellationToken)
    {
        // RFC 3261 §18.2.2: a response goes back over the connection its request came in on.
        if (connectionId is not null && _connections.TryGetValue(connectionId, out var byId) && !byId.IsClosing && byId.Kind == remote.Transport)
        {
            return byId;
        }
        var key = new StreamKey(remote.Transport, remote.EndPoint);
        if (_byRemote.TryGetValue(key, out var existing) && !existing.IsClosing)
        {
            return existing;
        }
        if (Volatile.Read(ref _state) != 1)
        {
            throw new SipTransportException("The transport manager is not running.");
        }
        // One connect per remote endpoint, however many senders ask at once.
        var lazy = _connecting.GetOrAdd(key, k => new Lazy<Task<SipStreamConnection>>(() => ConnectAsync(k, hostName)));
        var connect = lazy.Value;
        // Forget the attempt when it ends (success or failure), even if every waiter gave up earlier.
        _ = connect.ContinueWith(
            static (_, s) =>
            {
                var (owner, k, l) = ((SipTransportManager, StreamKey, Lazy<Task<SipStreamConnection>>))s!;
                owner._connecting.TryRemove(new KeyValuePair<StreamKey, Lazy<Task<SipStreamConnection>>>(k, l));
            },
            (this, key, lazy),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return await connect.WaitAsync(cancellationToken);
    }

    private async Task<SipStreamConnection> ConnectAsync(StreamKey key, string? hostName)
    {
        await Task.Yield();
        if (!TryReserveSlot(key.EndPoint.Address, perAddress: false, out var reason))
        {
            throw new SipTransportException($"Cannot connect to {key.EndPoint}: {reason}.");
        }
        var registered = false;
        var socket = new Socket(key.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token))
            {
                try
                {
                    await socket.ConnectAsync(key.EndPoint, linked.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    throw new SipTransportException($"Connecting to {key.EndPoint} failed.", ex);
                }
            }
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            string? serverName = null;
            X509Certificate2? peer = null;
            if (key.Kind == SipTransportKind.Tls)
            {
                serverName = hostName ?? key.EndPoint.Address.ToString();
                (stream, peer) = await AuthenticateClientAsync(stream, socket, key.EndPoint, serverName);
            }
            var connection = new SipStreamConnection(
                this,
                NewConnectionId(key.Kind),
                socket,
                stream,
                new SipEndPoint(key.Kind, key.EndPoint) { HostName = hostName },
                new SipEndPoint(key.Kind, (IPEndPoint)socket.LocalEndPoint!),
                isOutbound: true,
                serverName,
                peer,
                peer is not null, // the handshake succeeded only if it passed our checks
                _options.MaxPendingBytes,
                _options.ParserLimits.MaxMessageBytes,
                _time.GetTimestamp());
            Register(connection, perAddress: false);
            registered = true;
            return connection;
        }
        finally
        {
            if (!registered)
            {
                socket.Dispose();
                ReleaseSlot(key.EndPoint.Address, perAddress: false);
            }
        }
    }

    private void Register(SipStreamConnection connection, bool perAddress)
    {
        connection.PerAddressSlot = perAddress;
        _connections[connection.Id] = connection;
        // The newest connection to an endpoint is the one reused for sends to it.
        _byRemote[new StreamKey(connection.Kind, connection.Remote.EndPoint)] = connection;
        _metrics.Connections.Add(1, SipTransportMetrics.Transport(connection.Kind));
        SipTransportLog.ConnectionOpened(_logger, connection.Id, connection.Remote);
        // Announce before reading, so a registrar hears of the flow before its first REGISTER.
        ConnectionOpened?.Invoke(this, new SipConnectionEventArgs(
            connection.Id, connection.Remote, connection.Local, connection.IsOutbound, connection.TlsServerName, connection.PeerCertificate, null));
        connection.Start();
        if (Volatile.Read(ref _state) != 1)
        {
            connection.Close("shutdown");
        }
    }

    internal void OnConnectionClosed(SipStreamConnection connection, string reason)
    {
        if (!_connections.TryRemove(connection.Id, out _))
        {
            return;
        }
        _byRemote.TryRemove(new KeyValuePair<StreamKey, SipStreamConnection>(new StreamKey(connection.Kind, connection.Remote.EndPoint), connection));
        ReleaseSlot(connection.Remote.EndPoint.Address, connection.PerAddressSlot);
        _metrics.Connections.Add(-1, SipTransportMetrics.Transport(connection.Kind));
        SipTransportLog.ConnectionClosed(_logger, connection.Id, reason);
        ConnectionClosed?.Invoke(this, new SipConnectionEventArgs(
            connection.Id, connection.Remote, connection.Local, connection.IsOutbound, connection.TlsServerName, connection.PeerCertificate, reason));
    }

    /// <summary>Closes connections that received nothing within the idle timeout (this also reaps half-open ones).</summary>
    internal void ReapIdleConnections()
    {
        var now = _time.GetTimestamp();
        foreach (var c in _connections.Values)
        {
            if (_time.GetElapsedTime(c.LastReceiveTimestamp, now) >= _options.IdleTimeout && !c.IsClosing)
            {
                Interlocked.Increment(ref Statistics._idleClosed);
                c.Close("idle");
            }
        }
    }

    private bool TryReserveSlot(IPAddress address, bool perAddress, out string reason)
    {
        if (Interlocked.Increment(ref _slots) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _slots);
            reason = "connection limit";
            return false;
        }
        if (perAddress)
        {
            var n = _perAddress.AddOrUpdate(address, 1, static (_, v) => v + 1);
            if (n > _options.MaxConnectionsPerAddress)
            {
                ReleaseSlot(address, perAddress: true);
                reason = "per-address connection limit";
                return false;
            }
        }
        reason = "";
        return true;
    }

    private void ReleaseSlot(IPAddress address, bool perAddress)
    {
        Interlocked.Decrement(ref _slots);
        if (!perAddress)
        {
            return;
        }
        while (_perAddress.TryGetValue(address, out var n))
        {
            if (n <= 1
                ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, n))
                : _perAddress.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }

    private string NewConnectionId(SipTransportKind kind) =>
        kind.ToViaToken().ToLowerInvariant() + "-" + Interlocked.Increment(ref _nextConnectionId).ToString(CultureInfo.InvariantCulture);

    private readonly record struct StreamKey(SipTransportKind Kind, IPEndPoint EndPoint);

    private sealed record StreamListener(Socket Socket, SipEndPoint Local);
}
