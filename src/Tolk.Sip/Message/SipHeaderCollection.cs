using System.Collections;

namespace Tolk.Sip.Message;

/// <summary>
/// The ordered header fields of a message. Names are canonicalised on insert, so lookups by long or
/// compact form and in any case find the same field; order is kept, which Via and Route depend on.
/// </summary>
public sealed class SipHeaderCollection : IEnumerable<SipHeader>
{
    private readonly List<SipHeader> _headers;

    public SipHeaderCollection() => _headers = new List<SipHeader>(16);

    public int Count => _headers.Count;

    /// <summary>The value of the first field with this name, or null.</summary>
    public string? this[string name]
    {
        get
        {
            var i = IndexOf(SipHeaderNames.Canonicalize(name), 0);
            return i < 0 ? null : _headers[i].Value;
        }
    }

    public bool Contains(string name) => IndexOf(SipHeaderNames.Canonicalize(name), 0) >= 0;

    /// <summary>How many field lines carry this name (not list elements).</summary>
    public int CountOf(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var n = 0;
        for (var i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i + 1))
        {
            n++;
        }
        return n;
    }

    /// <summary>
    /// Every value of this header in order: field lines in order, and for list-valued headers
    /// (RFC 3261 §7.3.1) each comma-separated element of each line.
    /// </summary>
    public IEnumerable<string> GetValues(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var isList = SipHeaderNames.IsList(canonical);
        for (var i = IndexOf(canonical, 0); i >= 0; i = IndexOf(canonical, i + 1))
        {
            var value = _headers[i].Value;
            if (!isList)
            {
                yield return value;
                continue;
            }
            foreach (var element in SipGrammar.SplitList(value))
            {
                yield return element;
            }
        }
    }

    /// <summary>The first value of a header (the first list element for list headers), or null.</summary>
    public string? GetFirstValue(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var i = IndexOf(canonical, 0);
        if (i < 0)
        {
            return null;
        }
        var value = _headers[i].Value;
        if (!SipHeaderNames.IsList(canonical) || !value.Contains(',', StringComparison.Ordinal))
        {
            return value;
        }
        var list = SipGrammar.SplitList(value);
        return list.Count > 0 ? list[0] : null;
    }

    public void Add(string name, string value) => _headers.Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));

    internal void AddCanonical(string canonicalName, string value) => _headers.Add(new SipHeader(canonicalName, value));

    /// <summary>Inserts a field before all others of the same name (a new top Via or Record-Route).</summary>
    public void Prepend(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = IndexOf(canonical, 0);
        _headers.Insert(index < 0 ? 0 : index, new SipHeader(canonical, value));
    }

    /// <summary>Replaces every field of this name by one field (kept at the first one's position).</summary>
    public void Set(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = IndexOf(canonical, 0);
        Remove(canonical);
        var header = new SipHeader(canonical, value);
        if (index < 0 || index > _headers.Count)
        {
            _headers.Add(header);
        }
        else
        {
            _headers.Insert(index, header);
        }
    }

    /// <summary>Removes every field of this name; returns whether any was present.</summary>
    public bool Remove(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var removed = false;
        for (var i = _headers.Count - 1; i >= 0; i--)
        {
            if (NameEquals(_headers[i].Name, canonical))
            {
                _headers.RemoveAt(i);
                removed = true;
            }
        }
        return removed;
    }

    /// <summary>Removes the first value of a list header (the top Via), keeping the rest of its line.</summary>
    public bool RemoveFirstValue(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = IndexOf(canonical, 0);
        if (index < 0)
        {
            return false;
        }
        var values = SipGrammar.SplitList(_headers[index].Value);
        if (values.Count <= 1)
        {
            _headers.RemoveAt(index);
        }
        else
        {
            values.RemoveAt(0);
            _headers[index] = new SipHeader(canonical, string.Join(", ", values));
        }
        return true;
    }

    /// <summary>A struct enumerator, so that walking the headers does not allocate.</summary>
    public List<SipHeader>.Enumerator GetEnumerator() => _headers.GetEnumerator();

    IEnumerator<SipHeader> IEnumerable<SipHeader>.GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _headers.GetEnumerator();

    private int IndexOf(string canonical, int start)
    {
        for (var i = start; i < _headers.Count; i++)
        {
            if (NameEquals(_headers[i].Name, canonical))
            {
                return i;
            }
        }
        return -1;
    }

    // Known names are interned, so reference equality settles most comparisons without looking at characters.
    private static bool NameEquals(string a, string b) =>
        ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
