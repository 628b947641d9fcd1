using Tolk.Sip.Message;
using Tolk.Sip.Validation;

namespace Tolk.Sip.Tests.Torture;

/// <summary>What Tolk must do with one torture message: process it, answer it with a status, or drop it.</summary>
public static class TortureVerdict
{
    public const int Valid = 0;
    public const int Drop = -1;
}

/// <summary>Loads a torture message and runs it through the parser and the validators as a UAS/UAC would.</summary>
public static class TortureRunner
{
    /// <summary>The capabilities the torture verdicts assume: a UAS speaking SDP, with MESSAGE bodies.</summary>
    public static readonly SipRequestValidator Validator = new(new SipRequestValidatorOptions
    {
        SupportedOptionTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "timer", "100rel" },
        SupportedContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "application/sdp", "multipart/mixed", "text/plain" },
        ProducibleContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "application/sdp" },
    });

    public static byte[] Load(string rfc, string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Torture", "Data", rfc, name + ".dat"));

    /// <summary>Our verdict: <see cref="TortureVerdict.Valid"/>, <see cref="TortureVerdict.Drop"/>, or a status code.</summary>
    public static (int Verdict, SipParseResult Parse, SipValidationVerdict? Answer) Run(byte[] datagram)
    {
        var parse = SipParser.Parse(datagram);
        if (parse.Message is null)
        {
            return (parse.ErrorStatus == 0 ? TortureVerdict.Drop : parse.ErrorStatus, parse, null);
        }
        if (parse.Message is SipResponse response)
        {
            return (parse.ErrorStatus != 0 || SipResponseValidator.Validate(response) is not null ? TortureVerdict.Drop : TortureVerdict.Valid, parse, null);
        }
        var answer = Validator.Validate(parse);
        return (answer?.StatusCode ?? TortureVerdict.Valid, parse, answer);
    }
}
