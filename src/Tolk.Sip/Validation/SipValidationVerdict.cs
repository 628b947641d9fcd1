using Tolk.Sip.Message;

namespace Tolk.Sip.Validation;

/// <summary>
/// Why a request cannot be processed, and how to answer it: status, reason and the headers the RFC
/// wants in that answer (Unsupported for 420, Accept for 415/406, Accept-Encoding for 415).
/// </summary>
public sealed record SipValidationVerdict(int StatusCode, string ReasonPhrase, IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders)
{
    public SipValidationVerdict(int statusCode, string reasonPhrase)
        : this(statusCode, reasonPhrase, [])
    {
    }

    /// <summary>
    /// Builds the response (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied from the request,
    /// a To tag added when given, then the extra headers of this verdict.
    /// </summary>
    public SipResponse CreateResponse(SipRequest request, string? toTag = null)
    {
        var response = SipResponse.CreateFor(request, StatusCode, ReasonPhrase, toTag);
        foreach (var (name, value) in ExtraHeaders)
        {
            response.Headers.Add(name, value);
        }
        return response;
    }

    public override string ToString() => $"{StatusCode} {ReasonPhrase}";
}
