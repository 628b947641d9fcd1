using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>
/// Owns Tolk's SIP listeners (UDP, TCP, TLS) and connections, and hands every parsed message up through
/// one bounded queue, <see cref="Inbound"/>. Start with <see cref="StartAsync"/>, stop with
/// <see cref="StopAsync"/> or <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class SipTransportManager : ISipMessageSender, IAsyncDisposable
{
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SipTransportMetrics _metrics;
    private readonly SipRateLimiter _rateLimiter;
    private readonly Channel<SipInboundMessage> _inbound;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<UdpListener> _udp = [];
    private readonly List<StreamListener> _streams = [];
    private readonly List<Task> _loops = [];
    private ITimer? _idleTimer;
    private int _state; // 0 new, 1 started, 2 stopped

    public SipTransportManager(
        SipTransportOptions options,
        ILogger<SipTransportManager>? logger = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new SipTransportMetrics(meterFactory);
        _rateLimiter = new SipRateLimiter(options.RateLimit, _time);
        _inbound = Channel.CreateBounded<SipInboundMessage>(new BoundedChannelOptions(Math.Max(1, options.InboundQueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>Every parsed message, in arrival order per socket/connection. Read it with one or more consumers.</summary>
    public ChannelReader<SipInboundMessage> Inbound => _inbound.Reader;

    /// <summary>A TCP/TLS connection was established (inbound after its TLS handshake, or outbound).</summary>
    public event EventHandler<SipConnectionEventArgs>? ConnectionOpened;

    /// <summary>A TCP/TLS connection closed, for any reason.</summary>
    public event EventHandler<SipConnectionEventArgs>? ConnectionClosed;

    public SipTransportStatistics Statistics { get; } = new();

    /// <summary>The addresses actually bound (with the real port when 0 was asked for), in listener order.</summary>
    public IReadOnlyList<SipEndPoint> BoundEndPoints { get; private set; } = [];

    /// <summary>Open TCP/TLS connections.</summary>
    public int ConnectionCount => _connections.Count;

    internal SipParserLimits Limits => _options.ParserLimits;

    internal long Timestamp() => _time.GetTimestamp();

    /// <summary>Binds every configured listener and starts receiving. Throws if a bind fails (nothing is left open).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The transport manager was already started.");
        }
        if (_options.Listeners.Any(l => l.Transport == SipTransportKind.Tls) && _options.TlsServer is null)
        {
            throw new InvalidOperationException("A TLS listener needs SipTransportOptions.TlsServer.");
        }
        var bound = new List<SipEndPoint>();
        try
        {
            foreach (var listener in _options.Listeners)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bound.Add(listener.Transport == SipTransportKind.Udp ? BindUdp(listener) : BindStream(listener));
            }
        }
        catch
        {
            CloseListeners();
            throw;
        }
        BoundEndPoints = bound;
        foreach (var ep in bound)
        {
            SipTransportLog.Listening(_logger, ep);
        }
        foreach (var u in _udp)
        {
            _loops.Add(UdpReceiveLoopAsync(u));
        }
        foreach (var s in _streams)
        {
            _loops.Add(AcceptLoopAsync(s));
        }
        var scan = _options.IdleScanInterval > TimeSpan.Zero ? _options.IdleScanInterval : TimeSpan.FromSeconds(15);
        _idleTimer = _time.CreateTimer(static s => ((SipTransportManager)s!).ReapIdleConnections(), this, scan, scan);
        return Task.CompletedTask;
    }

    /// <summary>Stops listening, closes every connection and completes <see cref="Inbound"/>.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }
        await _stopping.CancelAsync();
        _idleTimer?.Dispose();
        CloseListeners();
        foreach (var c in _connections.Values)
        {
            c.Close("shutdown");
        }
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Connections close asynchronously (a final flush); wait briefly so none outlives the manager.
        for (var i = 0; i < 200 && !_connections.IsEmpty; i++)
        {
            await Task.Delay(10, CancellationToken.None);
        }
        _inbound.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(SipMessage message, SipEndPoint remote, string? connectionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(remote);
        var bytes = message.ToBytes();
        if (remote.Transport == SipTransportKind.Udp)
        {
            if (bytes.Length > UdpRequestSizeLimit && message is SipRequest large && await TrySendOverTcpAsync(large, remote, cancellationToken))
            {
                return;
            }
            await SendUdpAsync(bytes, remote, cancellationToken);
            return;
        }
        var hostName = remote.HostName ?? (message is SipRequest r && !IPAddress.TryParse(r.RequestUri.HostName, out _) && r.RequestUri.HostName.Length > 0 ? r.RequestUri.HostName : null);
        var connection = await GetOrConnectAsync(remote, connectionId, hostName, cancellationToken);
        await connection.SendAsync(bytes, cancellationToken);
    }

    /// <inheritdoc />
    public SipEndPoint? GetLocalEndPoint(SipTransportKind transport)
    {
        var bound = BoundEndPoints.FirstOrDefault(e => e.Transport == transport);
        if (bound is null)
        {
            return null;
        }
        var address = bound.EndPoint.Address;
        if (SipResponseRouting.IsAny(address))
        {
            address = _options.AdvertisedAddress ?? GuessAddress(address.AddressFamily);
        }
        return new SipEndPoint(transport, new IPEndPoint(address, bound.EndPoint.Port)) { HostName = _options.AdvertisedHostName };
    }

    /// <summary>Where a response to <paramref name="origin"/> goes (RFC 3261 §18.2.2); see <see cref="SipResponseRouting"/>.</summary>
    public static SipResponseDestination? ResolveResponseDestination(SipResponse response, SipInboundMessage origin) =>
        SipResponseRouting.ResolveResponseDestination(response, origin);

    /// <summary>Where a response with this top Via goes for a request received as <paramref name="origin"/>.</summary>
    public static SipResponseDestination? ResolveResponseDestination(SipVia topVia, SipInboundMessage origin) =>
        SipResponseRouting.ResolveResponseDestination(topVia, origin);

    /// <summary>
    /// A token cancelled when the connection closes (already cancelled for unknown ids), so a registrar
    /// can end the flow (RFC 5626 §5.2) the moment its connection goes.
    /// </summary>
    public CancellationToken GetConnectionClosedToken(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return _connections.TryGetValue(connectionId, out var c) ? c.Closed : new CancellationToken(canceled: true);
    }

    /// <summary>Closes a connection (e.g. a flow the registrar gave up on).</summary>
    public bool CloseConnection(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_connections.TryGetValue(connectionId, out var c))
        {
            c.Close("closed by owner");
            return true;
        }
        return false;
    }

    private static IPAddress GuessAddress(AddressFamily family)
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }
                foreach (var ua in nic.GetIPProperties().UnicastAddresses)
                {
                    if (ua.Address.AddressFamily == family && !ua.Address.IsIPv6LinkLocal)
                    {
                        return ua.Address;
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
        }
        return family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
    }

    private void CloseListeners()
    {
        foreach (var u in _udp)
        {
            u.Socket.Dispose();
        }
        foreach (var s in _streams)
        {
            s.Socket.Dispose();
        }
    }

    private static Socket CreateSocket(IPAddress address, SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(address.AddressFamily, type, protocol);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // Separate IPv4 and IPv6 listeners, as configured; no dual-stack surprises in "received".
            socket.DualMode = false;
        }
        return socket;
    }
}
