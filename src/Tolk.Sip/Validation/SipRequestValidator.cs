using System.Globalization;
using Tolk.Sip.Message;

namespace Tolk.Sip.Validation;

/// <summary>
/// The checks a UAS core runs on every request before processing it (RFC 3261 §8.2.1–§8.2.3, §16.3
/// for Max-Forwards, §20 for header cardinality), in the order the RFC gives them. Returns null when
/// the request may be processed, or the verdict to answer with. ACK is never answered (§17.2.3), so the
/// caller drops an ACK that fails.
/// </summary>
public sealed partial class SipRequestValidator
{
    private static readonly string[] Mandatory =
        [SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.Via];

    private readonly SipRequestValidatorOptions _options;

    public SipRequestValidator(SipRequestValidatorOptions? options = null) => _options = options ?? SipRequestValidatorOptions.Default;

    /// <summary>
    /// Turns a parse result into a verdict: a parse failure with a readable request becomes its status
    /// (400, 505, 513); a parsed request is validated. Null means "process it" for a valid request, and
    /// "nothing to answer" for a failure without a request (drop it).
    /// </summary>
    public SipValidationVerdict? Validate(SipParseResult parse)
    {
        if (parse.ErrorStatus != 0)
        {
            return parse.Message is SipRequest
                ? new SipValidationVerdict(parse.ErrorStatus, parse.ErrorStatus == 400 ? "Bad Request - " + parse.ErrorReason : SipStatus.DefaultReason(parse.ErrorStatus))
                : null;
        }
        return parse.Message is SipRequest request ? Validate(request) : null;
    }

    /// <summary>Null when the request may be processed, otherwise the response to send.</summary>
    public SipValidationVerdict? Validate(SipRequest request)
    {
        return CheckVersion(request)
            ?? CheckMandatoryHeaders(request)
            ?? CheckCardinality(request)
            ?? CheckCSeq(request)
            ?? CheckAddresses(request)
            ?? CheckMaxForwards(request)
            ?? CheckRequestUri(request)
            ?? CheckRequire(request)
            ?? CheckBody(request)
            ?? CheckAccept(request);
    }

    private static SipValidationVerdict BadRequest(string why) => new(400, "Bad Request - " + why);

    private static SipValidationVerdict? CheckVersion(SipRequest request) =>
        string.Equals(request.SipVersion, SipMessage.Version, StringComparison.OrdinalIgnoreCase)
            ? null
            : new SipValidationVerdict(505, "Version Not Supported");

    private static SipValidationVerdict? CheckMandatoryHeaders(SipRequest request)
    {
        // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via are mandatory; Max-Forwards is too, but requests
        // from RFC 2543 elements omit it (RFC 4475 §3.4.1 inv2543), so its absence is tolerated.
        foreach (var name in Mandatory)
        {
            if (!request.Headers.Contains(name))
            {
                return BadRequest("Missing " + name);
            }
        }
        return null;
    }

    private static SipValidationVerdict? CheckCardinality(SipRequest request)
    {
        // RFC 4475 §3.3.8 multi01: a single-valued header given twice makes the request ambiguous.
        var seen = 0u;
        foreach (var h in request.Headers)
        {
            var bit = SingleValuedBit(h.Name);
            if (bit == 0)
            {
                continue;
            }
            if ((seen & bit) != 0)
            {
                return BadRequest("More than one " + h.Name);
            }
            seen |= bit;
        }
        return null;
    }

    /// <summary>A distinct bit for each single-valued header of RFC 3261 §20 (and the extensions Tolk reads).</summary>
    private static uint SingleValuedBit(string canonicalName) => canonicalName switch
    {
        SipHeaderNames.To => 1u << 0,
        SipHeaderNames.From => 1u << 1,
        SipHeaderNames.CallId => 1u << 2,
        SipHeaderNames.CSeq => 1u << 3,
        SipHeaderNames.MaxForwards => 1u << 4,
        SipHeaderNames.ContentLength => 1u << 5,
        SipHeaderNames.ContentType => 1u << 6,
        SipHeaderNames.Expires => 1u << 7,
        SipHeaderNames.MinExpires => 1u << 8,
        SipHeaderNames.Date => 1u << 9,
        SipHeaderNames.Timestamp => 1u << 10,
        SipHeaderNames.RSeq => 1u << 11,
        SipHeaderNames.RAck => 1u << 12,
        SipHeaderNames.SessionExpires => 1u << 13,
        SipHeaderNames.MinSe => 1u << 14,
        SipHeaderNames.SubscriptionState => 1u << 15,
        SipHeaderNames.Event => 1u << 16,
        _ => 0u,
    };

    private static SipValidationVerdict? CheckCSeq(SipRequest request)
    {
        var cseq = request.CSeq;

        // RFC 3261 §8.1.1.5: the sequence number is below 2**31 (RFC 4475 §3.1.2.4 scalar02).
        if (cseq is null || cseq.Number >= 1u << 31)
        {
            return BadRequest("Invalid CSeq");
        }

        // RFC 4475 §3.1.2.17/18 (mismatch01/02): CSeq method must be the request method (case-sensitive).
        return string.Equals(cseq.Method, request.Method, StringComparison.Ordinal) ? null : BadRequest("CSeq method does not match the request method");
    }

    private static SipValidationVerdict? CheckAddresses(SipRequest request)
    {
        var from = request.From;
        var to = request.To;
        if (from is null || from.IsWildcard)
        {
            return BadRequest("Invalid From");
        }
        if (to is null || to.IsWildcard)
        {
            return BadRequest("Invalid To");
        }
        foreach (var via in request.Headers.GetValues(SipHeaderNames.Via))
        {
            if (!SipVia.TryParse(via, out _))
            {
                return BadRequest("Invalid Via");
            }
        }
        var contacts = 0;
        var wildcard = false;
        foreach (var contact in request.Headers.GetValues(SipHeaderNames.Contact))
        {
            contacts++;
            if (!SipNameAddress.TryParse(contact, out var parsed))
            {
                return BadRequest("Invalid Contact");
            }
            wildcard |= parsed.IsWildcard;
        }
        if (wildcard && (contacts > 1 || request.Method != SipMethods.Register))
        {
            // RFC 3261 §10.2.2: "*" only alone, and only in a REGISTER.
            return BadRequest("Invalid Contact wildcard");
        }
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.Route, SipHeaderNames.RecordRoute])
        {
            foreach (var value in request.Headers.GetValues(name))
            {
                if (!SipNameAddress.TryParse(value, out _))
                {
                    return BadRequest("Invalid " + name);
                }
            }
        }
        return null;
    }

    private static SipValidationVerdict? CheckMaxForwards(SipRequest request)
    {
        var text = request.Headers[SipHeaderNames.MaxForwards];
        if (text is null)
        {
            return null;
        }

        // RFC 3261 §20.22: 1*DIGIT, 0–255 (RFC 4475 §3.1.2.4 scalar02 carries 300).
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) || hops > 255)
        {
            return BadRequest("Invalid Max-Forwards");
        }

        // RFC 3261 §16.3 / §11: with no hops left only OPTIONS may still be answered by the element itself
        // (RFC 4475 §3.3.11 zeromf).
        return hops == 0 && request.Method != SipMethods.Options ? new SipValidationVerdict(483, "Too Many Hops") : null;
    }

    private SipValidationVerdict? CheckRequestUri(SipRequest request)
    {
        var uri = request.RequestUri;

        // RFC 3261 §8.2.2.1: schemes not understood are 416 (RFC 4475 §3.3.2 unkscm, §3.3.3 novelsc).
        if (!(uri.IsSip || (_options.AllowTelUri && uri.Scheme == "tel")))
        {
            return new SipValidationVerdict(416, "Unsupported URI Scheme");
        }

        // RFC 3261 §19.1.5: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11 escruri).
        return uri.IsSip && uri.Headers is not null ? BadRequest("Headers in the Request-URI") : null;
    }
}
