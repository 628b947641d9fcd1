using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tolk.Api.Infrastructure;

/// <summary>Strong ETags from entity versions (RFC 9110 §8.8.3) and If-Match checks (§13.1.1).</summary>
public static class ETags
{
    /// <summary>The ETag for a version.</summary>
    public static string For(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Sets the ETag response header.</summary>
    public static void Set(HttpContext http, long version) => http.Response.Headers.ETag = For(version);

    /// <summary>
    /// The version required by If-Match: null when there is no If-Match (or it is '*'), -1 when it
    /// cannot match any version.
    /// </summary>
    public static long? IfMatch(HttpContext http)
    {
        var header = http.Request.Headers[HeaderNames.IfMatch].ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            return -1; // weak tags never match under If-Match (strong comparison).
        }

        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
    }

    /// <summary>True when If-None-Match names the current version (answer 304).</summary>
    public static bool NotModified(HttpContext http, long version)
    {
        var header = http.Request.Headers[HeaderNames.IfNoneMatch].ToString();
        return header.Length > 0 && header.Split(',').Any(t => t.Trim().TrimStart('W', '/') == For(version));
    }
}
