using Tolk.Sip.Message;

namespace Tolk.Sip.Validation;

public sealed partial class SipRequestValidator
{
    private SipValidationVerdict? CheckRequire(SipRequest request)
    {
        // RFC 3261 §8.2.2.3: Require is ignored on ACK and CANCEL; Proxy-Require is for proxies and a
        // UAS ignores it (RFC 4475 §3.3.5 bext01).
        if (request.Method is SipMethods.Ack or SipMethods.Cancel)
        {
            return null;
        }
        List<string>? unsupported = null;
        foreach (var tag in request.Headers.GetValues(SipHeaderNames.Require))
        {
            if (tag.Length > 0 && !_options.SupportedOptionTags.Contains(tag))
            {
                (unsupported ??= []).Add(tag);
            }
        }
        return unsupported is null
            ? null
            : new SipValidationVerdict(420, "Bad Extension", [new(SipHeaderNames.Unsupported, string.Join(", ", unsupported))]);
    }

    private SipValidationVerdict? CheckBody(SipRequest request)
    {
        // A Content-Length that disagrees with the body cannot come from the parser (which cuts the body
        // to it), but a message built or altered in memory can carry one.
        var declared = request.Headers[SipHeaderNames.ContentLength];
        if (declared is not null && (!int.TryParse(declared, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) || length != request.Body.Length))
        {
            return BadRequest("Content-Length does not match the body");
        }

        // RFC 3261 §8.2.3: unknown Content-Encoding → 415 with Accept-Encoding.
        foreach (var coding in request.Headers.GetValues(SipHeaderNames.ContentEncoding))
        {
            if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase) && !_options.SupportedContentEncodings.Contains(coding))
            {
                var accepted = _options.SupportedContentEncodings.Count == 0 ? "identity" : "identity, " + string.Join(", ", _options.SupportedContentEncodings);
                return new SipValidationVerdict(415, "Unsupported Media Type", [new(SipHeaderNames.AcceptEncoding, accepted)]);
            }
        }

        // RFC 3261 §8.2.3: a body of a type the UAS does not understand → 415 with Accept
        // (RFC 4475 §3.3.6 invut).
        if (_options.SupportedContentTypes is { } types && (request.Body.Length > 0 || request.ContentType is not null))
        {
            var mediaType = MediaType(request.ContentType);
            if (mediaType is null || !types.Contains(mediaType))
            {
                return new SipValidationVerdict(415, "Unsupported Media Type", [new(SipHeaderNames.Accept, string.Join(", ", types))]);
            }
        }
        return null;
    }

    private SipValidationVerdict? CheckAccept(SipRequest request)
    {
        // RFC 4475 §3.3.15 sdp01: an INVITE (or OPTIONS) whose Accept excludes every type the UAS could
        // answer with gets 406 with the Accept it could offer.
        if (_options.ProducibleContentTypes is not { } producible || request.Method is not (SipMethods.Invite or SipMethods.Options))
        {
            return null;
        }
        var any = false;
        foreach (var accept in request.Headers.GetValues(SipHeaderNames.Accept))
        {
            any = true;
            var type = MediaType(accept);
            if (type is null)
            {
                continue;
            }
            if (type == "*/*" || producible.Contains(type))
            {
                return null;
            }
            if (type.EndsWith("/*", StringComparison.Ordinal))
            {
                foreach (var p in producible)
                {
                    if (p.StartsWith(type[..^1], StringComparison.OrdinalIgnoreCase))
                    {
                        return null;
                    }
                }
            }
        }

        // RFC 3261 §20.1: an empty or absent Accept means application/sdp.
        return !any ? null : new SipValidationVerdict(406, "Not Acceptable", [new(SipHeaderNames.Accept, string.Join(", ", producible))]);
    }

    /// <summary>"type/subtype" of a Content-Type or Accept value, lower-cased, without parameters.</summary>
    private static string? MediaType(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var span = value.AsSpan();
        var semi = span.IndexOf(';');
        if (semi >= 0)
        {
            span = span[..semi];
        }
        span = span.Trim(" \t");
        var slash = span.IndexOf('/');
        if (slash <= 0 || slash == span.Length - 1)
        {
            return null;
        }
        var type = span[..slash].Trim(" \t");
        var sub = span[(slash + 1)..].Trim(" \t");
        return (type.ToString() + "/" + sub.ToString()).ToLowerInvariant();
    }
}
