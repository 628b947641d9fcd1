using System.Collections.Concurrent;

namespace Tolk.Conferencing.Translation;

/// <summary>
/// "At most once per key per interval", claimed from any thread: the first claim for a key succeeds, later ones only
/// once the interval since the last successful claim has passed.
/// </summary>
internal sealed class PerKeyThrottle<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, DateTimeOffset> _last = new();

    /// <summary>True when the caller may act for <paramref name="key"/> now (and the interval restarts).</summary>
    public bool TryClaim(TKey key, DateTimeOffset now, TimeSpan interval)
    {
        while (true)
        {
            if (!_last.TryGetValue(key, out var last))
            {
                if (_last.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < interval)
            {
                return false;
            }

            if (_last.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }

    /// <summary>Forgets the keys that match (e.g. those of a participant who left).</summary>
    public void Forget(Func<TKey, bool> match)
    {
        foreach (var key in _last.Keys.Where(match).ToList())
        {
            _last.TryRemove(key, out _);
        }
    }
}
