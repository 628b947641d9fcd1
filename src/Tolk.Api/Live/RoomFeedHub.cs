using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Tolk.Api.Infrastructure;

namespace Tolk.Api.Live;

/// <summary>One live-feed message: the JSON envelope <c>{"id","type","roomId","timestamp","data"}</c>, serialised once.</summary>
/// <param name="Id">Monotonic event id (SSE <c>id:</c>); 0 for per-subscriber notices such as <c>dropped</c>.</param>
/// <param name="Type">The event type (<see cref="LiveEventTypes"/>).</param>
/// <param name="Json">The envelope, one line of JSON.</param>
public sealed record RoomFeedMessage(long Id, string Type, string Json);

/// <summary>Live-feed settings, bound from <c>Tolk:Api:LiveFeed</c>.</summary>
public sealed class RoomFeedOptions
{
    /// <summary>Recent events kept per room for <c>Last-Event-ID</c> replay (default 256).</summary>
    public int ReplayCapacity { get; set; } = 256;

    /// <summary>Events queued per subscriber before the oldest are dropped (default 512).</summary>
    public int SubscriberCapacity { get; set; } = 512;

    /// <summary>Seconds between SSE keep-alive comments and room/tenant re-checks (default 15).</summary>
    public int KeepAliveSeconds { get; set; } = 15;
}

/// <summary>
/// Fans room events out to live subscribers (SSE and WebSocket clients). Publishing never blocks: each
/// subscriber has its own bounded queue that drops its oldest events when the client is slow, so one slow
/// client cannot hold up the speech threads or the other clients; the client is then told how many it missed.
/// A per-room ring buffer of recent events serves <c>Last-Event-ID</c> reconnects.
/// </summary>
public sealed class RoomFeedHub
{
    private static readonly JsonSerializerOptions Json = CreateJsonOptions();
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Room), RoomFeed> _rooms = new();
    private readonly RoomFeedOptions _options;
    private readonly TimeProvider _time;
    private readonly ApiMetrics? _metrics;
    private long _nextId;
    private long _published;

    /// <summary>Creates the hub.</summary>
    public RoomFeedHub(RoomFeedOptions options, TimeProvider time, ApiMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _time = time;
        // Ids continue to grow across restarts (milliseconds since the epoch × 1000), so a client's
        // Last-Event-ID from before a restart never hides newer events.
        _nextId = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    /// <summary>Serialiser settings of the feed (web casing, enums as kebab-case strings).</summary>
    public static JsonSerializerOptions SerializerOptions => Json;

    /// <summary>Rooms with a feed state (subscribers or recent events).</summary>
    public int RoomCount => _rooms.Count;

    /// <summary>Publishes one event of a room to its subscribers and replay buffer; returns its id.</summary>
    public long Publish(Guid tenantId, Guid roomId, string type, object data, DateTimeOffset timestamp)
    {
        var id = Interlocked.Increment(ref _nextId);
        var json = JsonSerializer.Serialize(new Envelope(id, type, roomId, timestamp, data), Json);
        var message = new RoomFeedMessage(id, type, json);
        var feed = _rooms.GetOrAdd((tenantId, roomId), _ => new RoomFeed(_options.ReplayCapacity));
        feed.Publish(message, _time.GetUtcNow());
        if (Interlocked.Increment(ref _published) % 1024 == 0)
        {
            Sweep();
        }

        return id;
    }

    /// <summary>
    /// Subscribes to a room. <paramref name="lastEventId"/> (from <c>Last-Event-ID</c>) replays the buffered
    /// events after it. Dispose the subscription when the client goes away.
    /// </summary>
    public RoomFeedSubscription Subscribe(Guid tenantId, Guid roomId, long? lastEventId)
    {
        var feed = _rooms.GetOrAdd((tenantId, roomId), _ => new RoomFeed(_options.ReplayCapacity));
        var subscription = new RoomFeedSubscription(feed, _options.SubscriberCapacity, _metrics);
        subscription.Replay = feed.Attach(subscription, lastEventId);
        _metrics?.LiveSubscriber(1);
        return subscription;
    }

    /// <summary>A per-subscriber notice that <paramref name="count"/> events were skipped.</summary>
    public static RoomFeedMessage DroppedNotice(Guid roomId, long count, DateTimeOffset now) =>
        new(0, LiveEventTypes.Dropped, JsonSerializer.Serialize(new Envelope(0, LiveEventTypes.Dropped, roomId, now, new { count }), Json));

    // Feeds of rooms nobody watches and nothing was said in for a while are forgotten.
    private void Sweep()
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromMinutes(15);
        foreach (var (key, feed) in _rooms)
        {
            if (feed.IsIdleSince(cutoff))
            {
                _rooms.TryRemove(new KeyValuePair<(Guid, Guid), RoomFeed>(key, feed));
            }
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }

    private sealed record Envelope(long Id, string Type, Guid RoomId, DateTimeOffset Timestamp, object Data);

    internal sealed class RoomFeed(int capacity)
    {
        private readonly Lock _gate = new();
        private readonly RoomFeedMessage?[] _ring = new RoomFeedMessage?[Math.Max(1, capacity)];
        private readonly List<RoomFeedSubscription> _subscribers = [];
        private int _head;
        private int _count;
        private DateTimeOffset _lastActivity = DateTimeOffset.MinValue;

        public void Publish(RoomFeedMessage message, DateTimeOffset now)
        {
            lock (_gate)
            {
                _ring[(_head + _count) % _ring.Length] = message;
                if (_count < _ring.Length)
                {
                    _count++;
                }
                else
                {
                    _head = (_head + 1) % _ring.Length;
                }

                _lastActivity = now;
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Offer(message);
                }
            }
        }

        public List<RoomFeedMessage> Attach(RoomFeedSubscription subscription, long? lastEventId)
        {
            lock (_gate)
            {
                _subscribers.Add(subscription);
                var replay = new List<RoomFeedMessage>();
                if (lastEventId is { } last)
                {
                    for (var i = 0; i < _count; i++)
                    {
                        var m = _ring[(_head + i) % _ring.Length]!;
                        if (m.Id > last)
                        {
                            replay.Add(m);
                        }
                    }
                }

                return replay;
            }
        }

        public void Detach(RoomFeedSubscription subscription)
        {
            lock (_gate)
            {
                _subscribers.Remove(subscription);
            }
        }

        public bool IsIdleSince(DateTimeOffset cutoff)
        {
            lock (_gate)
            {
                return _subscribers.Count == 0 && _lastActivity < cutoff;
            }
        }
    }
}

/// <summary>A live subscriber of one room: replayed events first, then <see cref="Reader"/>.</summary>
public sealed class RoomFeedSubscription : IDisposable
{
    private readonly RoomFeedHub.RoomFeed _feed;
    private readonly Channel<RoomFeedMessage> _queue;
    private readonly ApiMetrics? _metrics;
    private long _dropped;
    private int _disposed;

    internal RoomFeedSubscription(RoomFeedHub.RoomFeed feed, int capacity, ApiMetrics? metrics)
    {
        _feed = feed;
        _metrics = metrics;
        _queue = Channel.CreateBounded<RoomFeedMessage>(
            new BoundedChannelOptions(Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Buffered events after the client's <c>Last-Event-ID</c>, oldest first.</summary>
    public IReadOnlyList<RoomFeedMessage> Replay { get; internal set; } = [];

    /// <summary>New events as they are published.</summary>
    public ChannelReader<RoomFeedMessage> Reader => _queue.Reader;

    /// <summary>Events dropped since the last call (this subscriber was too slow); resets the count.</summary>
    public long TakeDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            _metrics?.LiveDropped(dropped);
        }

        return dropped;
    }

    internal void Offer(RoomFeedMessage message) => _queue.Writer.TryWrite(message);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _metrics?.LiveSubscriber(-1);
        _feed.Detach(this);
        _queue.Writer.TryComplete();
    }
}
