using System.Collections;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// An ordered list of ";name=value" parameters with case-insensitive names (RFC 3261 §19.1.4, §7.3.1).
/// A value of null means a flag parameter (";lr"); quoted values keep their quotes.
/// </summary>
public sealed class SipParameters : IEnumerable<KeyValuePair<string, string?>>
{
    private readonly List<KeyValuePair<string, string?>> _items = [];

    public int Count => _items.Count;

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value of a parameter (unquoted), null when absent or a flag.</summary>
    public string? this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i < 0 || _items[i].Value is null ? null : SipGrammar.Unquote(_items[i].Value!);
        }
    }

    public void Add(string name, string? value) => _items.Add(new(name, value));

    public void Set(string name, string? value)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            _items.Add(new(name, value));
        }
        else
        {
            _items[i] = new(_items[i].Key, value);
        }
    }

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        _items.RemoveAt(i);
        return true;
    }

    public SipParameters Clone()
    {
        var copy = new SipParameters();
        copy._items.AddRange(_items);
        return copy;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    internal void AppendTo(StringBuilder sb)
    {
        foreach (var (k, v) in _items)
        {
            sb.Append(';').Append(k);
            if (v is not null)
            {
                sb.Append('=').Append(v);
            }
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
