namespace Tolk.Sip.Message;

/// <summary>
/// One header field line: canonical name and its raw value (unfolded, trimmed). A value type so that
/// a parsed header costs one allocation (its value string) and not two.
/// </summary>
public readonly record struct SipHeader(string Name, string Value)
{
    public override string ToString() => $"{Name}: {Value}";
}
