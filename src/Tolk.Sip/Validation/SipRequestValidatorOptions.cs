namespace Tolk.Sip.Validation;

/// <summary>What the UAS core supports, which decides the 416/420/415/406 answers.</summary>
public sealed record SipRequestValidatorOptions
{
    public static SipRequestValidatorOptions Default { get; } = new();

    /// <summary>Option tags this UAS implements; a Require naming any other is answered 420 (RFC 3261 §8.2.2.3).</summary>
    public IReadOnlySet<string> SupportedOptionTags { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Accept tel: Request-URIs (RFC 3966) besides sip: and sips:; otherwise they get 416.</summary>
    public bool AllowTelUri { get; init; }

    /// <summary>
    /// Body types the core understands; a request body of another type gets 415 with Accept
    /// (RFC 3261 §8.2.3). Null accepts every type (the check is left to the core).
    /// </summary>
    public IReadOnlySet<string>? SupportedContentTypes { get; init; }

    /// <summary>Content codings understood besides "identity"; any other gets 415 with Accept-Encoding.</summary>
    public IReadOnlySet<string> SupportedContentEncodings { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Body types this UAS can send in its answers to INVITE and OPTIONS; when the request's Accept lists
    /// none of them the answer is 406 (RFC 3261 §21.4.7, RFC 4475 §3.3.15). Null skips the check.
    /// </summary>
    public IReadOnlySet<string>? ProducibleContentTypes { get; init; }
}
