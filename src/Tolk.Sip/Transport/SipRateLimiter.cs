using System.Collections.Concurrent;
using System.Net;

namespace Tolk.Sip.Transport;

/// <summary>
/// Token buckets keyed by source address. The table is bounded: idle entries expire, and when it is
/// full new addresses share one overflow bucket, so a flood of spoofed sources cannot grow memory.
/// </summary>
public sealed class SipRateLimiter
{
    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly Bucket _overflow;
    private readonly SipRateLimitOptions _options;
    private readonly TimeProvider _time;
    private long _lastSweep;
    private long _lastFullSweep;

    public SipRateLimiter(SipRateLimitOptions options, TimeProvider? timeProvider = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _lastSweep = _time.GetTimestamp();
        _overflow = new Bucket(_options.Burst, _lastSweep);
    }

    /// <summary>Addresses currently tracked.</summary>
    public int TrackedAddresses => _buckets.Count;

    /// <summary>Takes a token for <paramref name="source"/>; false means "too many, answer 503".</summary>
    public bool TryAcquire(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var now = _time.GetTimestamp();
        MaybeSweep(now);
        if (!_buckets.TryGetValue(source, out var bucket))
        {
            if (_buckets.Count >= _options.MaxTrackedAddresses)
            {
                // A full table is swept at most once a second, so a flood of new sources costs O(1) each.
                var last = Interlocked.Read(ref _lastFullSweep);
                if (now - last >= _time.TimestampFrequency && Interlocked.CompareExchange(ref _lastFullSweep, now, last) == last)
                {
                    Sweep(now);
                }
            }
            bucket = _buckets.Count >= _options.MaxTrackedAddresses
                ? _overflow
                : _buckets.GetOrAdd(source, static (_, s) => new Bucket(s.Burst, s.Now), (Burst: _options.Burst, Now: now));
        }
        return bucket.TryTake(now, _time.TimestampFrequency, _options.PermitsPerSecond, _options.Burst);
    }

    private void MaybeSweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        var interval = (long)(_options.IdleExpiry.TotalSeconds * _time.TimestampFrequency);
        if (now - last >= interval && Interlocked.CompareExchange(ref _lastSweep, now, last) == last)
        {
            Sweep(now);
        }
    }

    private void Sweep(long now)
    {
        var expiry = (long)(_options.IdleExpiry.TotalSeconds * _time.TimestampFrequency);
        foreach (var (address, bucket) in _buckets)
        {
            if (now - bucket.LastSeen >= expiry)
            {
                _buckets.TryRemove(address, out _);
            }
        }
    }

    private sealed class Bucket(double tokens, long now)
    {
        private readonly Lock _gate = new();
        private double _tokens = tokens;
        private long _updated = now;

        public long LastSeen => Volatile.Read(ref _updated);

        public bool TryTake(long now, long frequency, double rate, int burst)
        {
            lock (_gate)
            {
                if (now > _updated)
                {
                    _tokens = Math.Min(burst, _tokens + ((now - _updated) * rate / frequency));
                    _updated = now;
                }
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return true;
                }
                return false;
            }
        }
    }
}
