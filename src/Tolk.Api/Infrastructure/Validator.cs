using System.Net;
using System.Text.RegularExpressions;
using Tolk.Data;

namespace Tolk.Api.Infrastructure;

/// <summary>Collects per-field validation errors; the field names are the JSON paths the client sent.</summary>
public sealed partial class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True when no error was recorded.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>The errors in the shape of RFC 9457 <c>errors</c> extension used by ASP.NET Core.</summary>
    public Dictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Records an error for a field.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>A required string no longer than <paramref name="max"/>.</summary>
    public bool Required(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "The field is required.");
            return false;
        }

        return MaxLength(field, value, max);
    }

    /// <summary>An optional string no longer than <paramref name="max"/>.</summary>
    public bool MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"The field must be at most {max} characters.");
            return false;
        }

        return true;
    }

    /// <summary>An integer within [min, max].</summary>
    public void Range(string field, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            Add(field, $"The field must be between {min} and {max}.");
        }
    }

    /// <summary>A BCP 47 language tag (RFC 5646 §2.1, the common langtag subset).</summary>
    public bool Language(string field, string? value, bool required = true)
    {
        if (value is null && !required)
        {
            return true;
        }

        if (!Required(field, value, Limits.Short) || !LanguageTag().IsMatch(value!))
        {
            if (value is not null && !string.IsNullOrWhiteSpace(value))
            {
                Add(field, "The field must be a BCP 47 language tag such as 'en' or 'pt-BR'.");
            }

            return false;
        }

        return true;
    }

    /// <summary>A host name usable as a SIP domain (RFC 1035 labels).</summary>
    public void Domain(string field, string? value)
    {
        if (Required(field, value, Limits.Domain) && !DomainName().IsMatch(value!))
        {
            Add(field, "The field must be a DNS domain name.");
        }
    }

    /// <summary>An e-mail address (simple syntax check).</summary>
    public void Email(string field, string? value)
    {
        if (Required(field, value, Limits.Email) && !EmailAddress().IsMatch(value!))
        {
            Add(field, "The field must be an e-mail address.");
        }
    }

    /// <summary>A password of reasonable length (NIST SP 800-63B §5.1.1: at least 8, allow long).</summary>
    public void Password(string field, string? value)
    {
        if (Required(field, value, 256) && value!.Length < 8)
        {
            Add(field, "The password must be at least 8 characters.");
        }
    }

    /// <summary>An E.164 number with leading '+'.</summary>
    public void E164(string field, string? value)
    {
        if (Required(field, value, 16) && !E164Number().IsMatch(value!))
        {
            Add(field, "The field must be an E.164 number such as +4930123456.");
        }
    }

    /// <summary>A dialable extension (digits, *, #).</summary>
    public void Extension(string field, string? value, bool required)
    {
        if (value is null && !required)
        {
            return;
        }

        if (Required(field, value, 32) && !Dialable().IsMatch(value!))
        {
            Add(field, "The field must contain only digits, '*' or '#'.");
        }
    }

    /// <summary>An absolute http(s) URL.</summary>
    public void HttpUrl(string field, string? value)
    {
        if (Required(field, value, Limits.Url)
            && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            Add(field, "The field must be an absolute http or https URL.");
        }
    }

    /// <summary>
    /// An IP address or CIDR block a PBX sends from, as <see cref="CanonicalAddress"/> stores it. Refused: forms
    /// <see cref="IPAddress.TryParse(string, out IPAddress)"/> takes but no operator means ("10.1" is 10.0.0.1,
    /// "010.0.0.1" is octal, a port in brackets is dropped), zones, IPv4-mapped IPv6 (a source is compared as IPv4),
    /// the unspecified address (matches no sender), host bits ("192.0.2.9/24" is most likely a typo), and blocks wider
    /// than /8 (IPv4) or /32 (IPv6), which would trust far more than one PBX.
    /// </summary>
    public void AddressOrCidr(string field, string? value)
    {
        if (Required(field, value, 64) && AddressOrCidrProblem(value!) is { } problem)
        {
            Add(field, problem);
        }
    }

    /// <summary>What is wrong with <paramref name="value"/> as a PBX's or SBC's address (<see cref="AddressOrCidr"/>), or null.</summary>
    public static string? AddressOrCidrProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var text = slash < 0 ? value : value[..slash];
        IPNetwork? block = null;
        if (!IsPlainAddress(text, out var address) || (slash >= 0 && (block = ExactBlock(value, slash, address)) is null))
        {
            return "The field must be an IP address (IPv4 as four decimal numbers, or IPv6, without a zone or port) or a CIDR block such as 192.0.2.0/24 whose host bits are zero.";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return $"Write the IPv4 address as IPv4 ({address.MapToIPv4()}).";
        }
        if (slash < 0 && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            return "The unspecified address matches no sender.";
        }
        if (block is { } network && network.PrefixLength < (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 8 : 32))
        {
            return "A block wider than /8 (IPv4) or /32 (IPv6) would trust far more than one PBX.";
        }
        return null;
    }

    /// <summary>How a valid <see cref="AddressOrCidr"/> value is stored: as the runtime prints it.</summary>
    public static string CanonicalAddress(string value) =>
        value.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(value).ToString() : IPAddress.Parse(value).ToString();

    private static bool IsPlainAddress(string text, out IPAddress parsed) =>
        IPAddress.TryParse(text, out parsed!)
        && text.IndexOfAny(['%', '[', ']']) < 0
        && (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text == parsed.ToString());

    // The block, when its prefix is plain decimal and its host bits are zero; else null.
    private static IPNetwork? ExactBlock(string value, int slash, IPAddress baseAddress)
    {
        var prefix = value[(slash + 1)..];
        return prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit) && (prefix == "0" || prefix[0] != '0')
            && IPNetwork.TryParse(value, out var network) && network.BaseAddress.Equals(baseAddress)
            ? network : null;
    }

    /// <summary>A SIP user part (RFC 3261 unreserved subset).</summary>
    public void SipUser(string field, string? value)
    {
        if (Required(field, value, Limits.Short) && !SipUserName().IsMatch(value!))
        {
            Add(field, "The field may contain letters, digits, '.', '_' and '-' only.");
        }
    }

    /// <summary>A SHA-256 certificate fingerprint as 32 colon-separated hex pairs (RFC 8122 §5).</summary>
    public void Fingerprint(string field, string? value)
    {
        if (value is not null && !Sha256Fingerprint().IsMatch(value))
        {
            Add(field, "The field must be a SHA-256 fingerprint: 32 colon-separated hex pairs.");
        }
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex DomainName();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164Number();

    [GeneratedRegex(@"^[0-9*#]{1,32}$")]
    private static partial Regex Dialable();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex SipUserName();

    [GeneratedRegex("^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$")]
    private static partial Regex Sha256Fingerprint();
}
