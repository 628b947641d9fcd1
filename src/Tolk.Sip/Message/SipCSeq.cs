using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tolk.Sip.Message;

/// <summary>CSeq: a 32-bit sequence number and the method (RFC 3261 §20.16; number &lt; 2**31 per §8.1.1.5).</summary>
public sealed record SipCSeq(uint Number, string Method)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out SipCSeq? cseq)
    {
        cseq = null;
        if (text is null)
        {
            return false;
        }
        var s = text.AsSpan().Trim(" \t");
        var sp = s.IndexOfAny(" \t");
        if (sp <= 0)
        {
            return false;
        }
        var method = s[sp..].Trim(" \t");
        if (!uint.TryParse(s[..sp], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || !SipGrammar.IsToken(method))
        {
            return false;
        }
        cseq = new SipCSeq(n, SipMethods.Intern(method));
        return true;
    }

    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
