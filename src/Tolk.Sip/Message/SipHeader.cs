namespace Tolk.Sip.Message;

/// <summary>One header field line: canonical name and its raw value (unfolded, trimmed).</summary>
public sealed record SipHeader(string Name, string Value)
{
    public override string ToString() => $"{Name}: {Value}";
}
