using System.Globalization;
using System.Text;

namespace Tolk.Sip.Sdp;

/// <summary>
/// a=crypto:&lt;tag&gt; &lt;suite&gt; &lt;key-params&gt; [&lt;session-params&gt;] (RFC 4568 §9.1) — SDES keys for SRTP.
/// </summary>
public sealed record SdpCrypto(int Tag, string Suite, IReadOnlyList<SdpCryptoKey> Keys, IReadOnlyList<string> SessionParameters)
{
    /// <summary>Parses the attribute value (after "crypto:").</summary>
    public static bool TryParse(string? value, out SdpCrypto? crypto)
    {
        crypto = null;
        if (value is null)
        {
            return false;
        }
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // RFC 4568 §9.1: tag = 1*9DIGIT.
        if (parts.Length < 3 || parts[0].Length > 9
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var tag)
            || !SdpText.IsToken(parts[1]))
        {
            return false;
        }
        var keys = new List<SdpCryptoKey>();
        foreach (var kp in parts[2].Split(';'))
        {
            if (!SdpCryptoKey.TryParse(kp, out var key))
            {
                return false;
            }
            keys.Add(key!);
        }
        crypto = new SdpCrypto(tag, parts[1], keys, parts[3..]);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Tag.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Suite).Append(' ');
        sb.AppendJoin(';', Keys);
        foreach (var p in SessionParameters)
        {
            sb.Append(' ').Append(p);
        }
        return sb.ToString();
    }
}

/// <summary>
/// One key-param: <c>inline:&lt;base64 key||salt&gt;[|&lt;lifetime&gt;][|&lt;MKI&gt;:&lt;length&gt;]</c> (RFC 4568 §6.1, §9.2).
/// </summary>
/// <param name="Method">Key method; only "inline" is defined.</param>
/// <param name="KeySalt">The base64 master key and salt, as written.</param>
/// <param name="Lifetime">Master key lifetime as written ("2^31" or decimal), or null.</param>
/// <param name="MkiValue">MKI value, or null when no MKI is used.</param>
/// <param name="MkiLength">MKI length in bytes (1..128), or null.</param>
public sealed record SdpCryptoKey(string Method, string KeySalt, string? Lifetime = null, ulong? MkiValue = null, int? MkiLength = null)
{
    /// <summary>The decoded master key || master salt, or null when the base64 is invalid.</summary>
    public byte[]? DecodeKeySalt()
    {
        try
        {
            return Convert.FromBase64String(KeySalt);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Parses one key-param.</summary>
    public static bool TryParse(string? value, out SdpCryptoKey? key)
    {
        key = null;
        if (value is null)
        {
            return false;
        }
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }
        var method = value[..colon];
        var info = value[(colon + 1)..].Split('|');
        if (info.Length > 3 || info[0].Length == 0)
        {
            return false;
        }
        string? lifetime = null;
        ulong? mki = null;
        int? mkiLength = null;
        for (var i = 1; i < info.Length; i++)
        {
            var part = info[i];
            var mkiColon = part.IndexOf(':', StringComparison.Ordinal);
            if (mkiColon >= 0)
            {
                if (mki is not null
                    || !ulong.TryParse(part.AsSpan(0, mkiColon), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
                    || !int.TryParse(part.AsSpan(mkiColon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var len)
                    || len is < 1 or > 128)
                {
                    return false;
                }
                mki = m;
                mkiLength = len;
            }
            else
            {
                if (lifetime is not null || mki is not null || !IsLifetime(part))
                {
                    return false;
                }
                lifetime = part;
            }
        }
        key = new SdpCryptoKey(method, info[0], lifetime, mki, mkiLength);
        return true;
    }

    private static bool IsLifetime(string s)
    {
        var digits = s.StartsWith("2^", StringComparison.Ordinal) ? s[2..] : s;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder(Method).Append(':').Append(KeySalt);
        if (Lifetime is not null)
        {
            sb.Append('|').Append(Lifetime);
        }
        if (MkiValue is { } m)
        {
            sb.Append('|').Append(m.ToString(CultureInfo.InvariantCulture)).Append(':')
              .Append(MkiLength!.Value.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
