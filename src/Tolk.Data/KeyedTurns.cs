namespace Tolk.Data;

/// <summary>
/// Async mutual exclusion per key, within this process: holders of different keys never wait for each other, and a
/// key's entry lives only while someone holds or waits for it.
/// </summary>
internal sealed class KeyedTurns<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Entry> _entries = [];

    /// <summary>Waits until no one else holds <paramref name="key"/>; dispose the result to let the next one in.</summary>
    public async ValueTask<Turn> TakeAsync(TKey key, CancellationToken ct)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                _entries[key] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry);
            throw;
        }

        return new Turn(this, key, entry);
    }

    private void Leave(TKey key, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>Number of keys held or waited for (tests check that entries do not pile up).</summary>
    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    internal sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>A held key. The default value holds nothing.</summary>
    public readonly struct Turn : IDisposable
    {
        private readonly KeyedTurns<TKey>? _owner;
        private readonly TKey _key;
        private readonly Entry? _entry;

        internal Turn(KeyedTurns<TKey> owner, TKey key, Entry entry)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
        }

        public void Dispose()
        {
            if (_owner is null || _entry is null)
            {
                return;
            }

            _entry.Gate.Release();
            _owner.Leave(_key, _entry);
        }
    }
}
