using System.Collections;

namespace Tolk.Sip.Message;

/// <summary>
/// The ordered header fields of a message. Names are canonicalised on insert, so lookups by long or
/// compact form and in any case find the same field; order is kept, which Via and Route depend on.
/// </summary>
public sealed class SipHeaderCollection : IEnumerable<SipHeader>
{
    private readonly List<SipHeader> _headers;

    public SipHeaderCollection() => _headers = new List<SipHeader>(12);

    public int Count => _headers.Count;

    /// <summary>The value of the first field with this name, or null.</summary>
    public string? this[string name]
    {
        get
        {
            var canonical = SipHeaderNames.Canonicalize(name);
            foreach (var h in _headers)
            {
                if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
                {
                    return h.Value;
                }
            }
            return null;
        }
    }

    public bool Contains(string name) => this[name] is not null;

    /// <summary>How many field lines carry this name (not list elements).</summary>
    public int CountOf(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var n = 0;
        foreach (var h in _headers)
        {
            if (string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                n++;
            }
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
        foreach (var h in _headers)
        {
            if (!string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!isList)
            {
                yield return h.Value;
                continue;
            }
            foreach (var element in SipGrammar.SplitList(h.Value))
            {
                yield return element;
            }
        }
    }

    public void Add(string name, string value) => _headers.Add(new SipHeader(SipHeaderNames.Canonicalize(name), value));

    internal void AddCanonical(string canonicalName, string value) => _headers.Add(new SipHeader(canonicalName, value));

    /// <summary>Inserts a field before all others of the same name (a new top Via or Record-Route).</summary>
    public void Prepend(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        _headers.Insert(index < 0 ? 0 : index, new SipHeader(canonical, value));
    }

    /// <summary>Replaces every field of this name by one field (kept at the first one's position).</summary>
    public void Set(string name, string value)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
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
        return _headers.RemoveAll(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    /// <summary>Removes the first value of a list header (the top Via), keeping the rest of its line.</summary>
    public bool RemoveFirstValue(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var index = _headers.FindIndex(h => string.Equals(h.Name, canonical, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            return false;
        }
        var rest = SipGrammar.SplitList(_headers[index].Value).Skip(1).ToList();
        if (rest.Count == 0)
        {
            _headers.RemoveAt(index);
        }
        else
        {
            _headers[index] = new SipHeader(canonical, string.Join(", ", rest));
        }
        return true;
    }

    public IEnumerator<SipHeader> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
