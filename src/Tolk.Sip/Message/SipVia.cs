using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>One Via value: "SIP/2.0/UDP host:port;branch=…;rport" (RFC 3261 §20.42, RFC 3581).</summary>
public sealed class SipVia
{
    /// <summary>The branch prefix of RFC 3261 §8.1.1.7 that marks an RFC 3261 transaction id.</summary>
    public const string MagicCookie = "z9hG4bK";

    public SipVia(string transport, string host, int? port, string branch)
    {
        Transport = transport.ToUpperInvariant();
        Host = host;
        Port = port;
        Parameters.Set("branch", branch);
    }

    private SipVia()
    {
        Transport = "";
        Host = "";
    }

    public string ProtocolName { get; private set; } = "SIP";

    public string ProtocolVersion { get; private set; } = "2.0";

    /// <summary>UDP, TCP, TLS, SCTP, WS, WSS (upper case).</summary>
    public string Transport { get; private set; }

    public string Host { get; private set; }

    public int? Port { get; private set; }

    public SipParameters Parameters { get; private set; } = new();

    public string? Branch => Parameters["branch"];

    public string? Received
    {
        get => Parameters["received"];
        set => Parameters.Set("received", value);
    }

    /// <summary>True when the rport parameter is present (with or without a value).</summary>
    public bool HasRPort => Parameters.Contains("rport");

    public int? RPort
    {
        get => int.TryParse(Parameters["rport"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        set => Parameters.Set("rport", value?.ToString(CultureInfo.InvariantCulture));
    }

    public bool IsRfc3261Branch => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        if (text is null)
        {
            return false;
        }
        var s = text.AsSpan().Trim(" \t");

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed around slashes.
        var parts = new string[3];
        for (var i = 0; i < 3; i++)
        {
            s = s.TrimStart(" \t");
            var end = i < 2 ? s.IndexOf('/') : s.IndexOfAny(" \t");
            if (end <= 0)
            {
                return false;
            }
            var part = s[..end].Trim(" \t");
            if (!SipGrammar.IsToken(part))
            {
                return false;
            }
            parts[i] = part.ToString();
            s = s[(i < 2 ? end + 1 : end)..];
        }
        s = s.TrimStart(" \t");
        var semi = s.IndexOf(';');
        var sentBy = (semi >= 0 ? s[..semi] : s).Trim(" \t");

        // LWS is allowed around the colon of sent-by.
        Span<char> compact = stackalloc char[sentBy.Length];
        var n = 0;
        foreach (var c in sentBy)
        {
            if (c is not (' ' or '\t'))
            {
                compact[n++] = c;
            }
        }
        if (!SipUri.TryParseHostPort(compact[..n], out var host, out var port))
        {
            return false;
        }
        var result = new SipVia
        {
            ProtocolName = parts[0].ToUpperInvariant(),
            ProtocolVersion = parts[1],
            Transport = parts[2].ToUpperInvariant(),
            Host = host,
            Port = port,
        };
        if (semi >= 0 && !SipGrammar.TryParseParameters(s[semi..], result.Parameters))
        {
            return false;
        }
        via = result;
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder(80);
        sb.Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is not null)
        {
            sb.Append(':').Append(Port.Value.ToString(CultureInfo.InvariantCulture));
        }
        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
