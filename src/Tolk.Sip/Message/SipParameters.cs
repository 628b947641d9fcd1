using System.Collections;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// An ordered list of ";name=value" parameters with case-insensitive names (RFC 3261 §19.1.4, §7.3.1).
/// A value of null means a flag parameter (";lr"); quoted values keep their quotes.
/// </summary>
public sealed class SipParameters : IEnumerable<KeyValuePair<string, string?>>
{
    private static readonly List<KeyValuePair<string, string?>> NoItems = [];

    // Most URIs and addresses carry no parameters: the list is only made when one is added.
    private List<KeyValuePair<string, string?>>? _list;

    private List<KeyValuePair<string, string?>> Items => _list ?? NoItems;

    public int Count => Items.Count;

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value of a parameter (unquoted), null when absent or a flag.</summary>
    public string? this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i < 0 || Items[i].Value is null ? null : SipGrammar.Unquote(Items[i].Value!);
        }
    }

    public void Add(string name, string? value) => (_list ??= new(2)).Add(new(name, value));

    public void Set(string name, string? value)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            Add(name, value);
        }
        else
        {
            _list![i] = new(_list[i].Key, value);
        }
    }

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }
        _list!.RemoveAt(i);
        return true;
    }

    public SipParameters Clone()
    {
        var copy = new SipParameters();
        if (_list is { Count: > 0 })
        {
            copy._list = new(_list);
        }
        return copy;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (string.Equals(Items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    internal void AppendTo(StringBuilder sb)
    {
        foreach (var (k, v) in Items)
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

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
