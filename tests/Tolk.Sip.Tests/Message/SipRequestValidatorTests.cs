using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Validation;

namespace Tolk.Sip.Tests.Message;

public sealed class SipRequestValidatorTests
{
    private const string Base =
        "OPTIONS sip:b@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n" +
        "From: <sip:a@example.com>;tag=1\r\n" +
        "To: <sip:b@example.com>\r\n" +
        "Call-ID: c1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Max-Forwards: 70\r\n";

    private static readonly SipRequestValidator Validator = new(new SipRequestValidatorOptions
    {
        SupportedOptionTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "timer", "replaces" },
        SupportedContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "application/sdp" },
        AllowTelUri = true,
    });

    private static SipValidationVerdict? Validate(string text) =>
        Validator.Validate(SipParser.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_plain_request_passes() => Assert.Null(Validate(Base + "\r\n"));

    [Theory]
    [InlineData("Via")]
    [InlineData("From")]
    [InlineData("To")]
    [InlineData("Call-ID")]
    [InlineData("CSeq")]
    public void Missing_mandatory_header_is_400(string name)
    {
        var text = string.Join("\r\n", Base.Split("\r\n").Where(l => !l.StartsWith(name + ":", StringComparison.Ordinal))) + "\r\n";
        Assert.Equal(400, Validate(text)!.StatusCode);
    }

    [Fact]
    public void Missing_max_forwards_is_tolerated() =>
        Assert.Null(Validate(Base.Replace("Max-Forwards: 70\r\n", "", StringComparison.Ordinal) + "\r\n"));

    [Theory]
    [InlineData("CSeq: 2 OPTIONS\r\n", 400)]
    [InlineData("Call-ID: c2\r\n", 400)]
    [InlineData("t: <sip:x@y>\r\n", 400)]
    [InlineData("Max-Forwards: 69\r\n", 400)]
    [InlineData("Contact: <sip:a@h>, <sip:a@i>\r\n", null)]
    [InlineData("Record-Route: <sip:p1;lr>\r\nRecord-Route: <sip:p2;lr>\r\n", null)]
    public void Single_valued_headers_may_appear_once(string extra, int? status) =>
        Assert.Equal(status, Validate(Base + extra + "\r\n")?.StatusCode);

    [Theory]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS", 400)]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 2147483647 OPTIONS", null)]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 1 options", 400)]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 400)]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: x OPTIONS", 400)]
    [InlineData("To: <sip:b@example.com>", "To: \"x <sip:b@example.com>", 400)]
    [InlineData("From: <sip:a@example.com>;tag=1", "From: *", 400)]
    [InlineData("Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1", "Via: SIP/2.0/UDP", 400)]
    [InlineData("Max-Forwards: 70", "Max-Forwards: 256", 400)]
    [InlineData("Max-Forwards: 70", "Max-Forwards: 0", null)]
    [InlineData("OPTIONS sip:b@example.com", "OPTIONS mailto:b@example.com", 416)]
    [InlineData("OPTIONS sip:b@example.com", "OPTIONS tel:+4930123", null)]
    [InlineData("OPTIONS sip:b@example.com", "OPTIONS sip:b@example.com?Subject=x", 400)]
    public void Header_and_uri_checks(string from, string to, int? status) =>
        Assert.Equal(status, Validate(Base.Replace(from, to, StringComparison.Ordinal) + "\r\n")?.StatusCode);

    [Fact]
    public void Max_forwards_zero_on_invite_is_483()
    {
        var invite = Base.Replace("OPTIONS", "INVITE", StringComparison.Ordinal).Replace("Max-Forwards: 70", "Max-Forwards: 0", StringComparison.Ordinal);
        Assert.Equal(483, Validate(invite + "\r\n")!.StatusCode);
    }

    [Fact]
    public void Require_with_unknown_tags_is_420_listing_them()
    {
        var verdict = Validate(Base + "Require: timer, foo\r\nRequire: bar\r\nProxy-Require: baz\r\n\r\n")!;
        Assert.Equal(420, verdict.StatusCode);
        Assert.Equal(new KeyValuePair<string, string>(SipHeaderNames.Unsupported, "foo, bar"), Assert.Single(verdict.ExtraHeaders));
        Assert.Null(Validate(Base + "Require: timer, REPLACES\r\nProxy-Require: baz\r\n\r\n"));
    }

    [Fact]
    public void Require_is_ignored_on_ack_and_cancel()
    {
        var ack = Base.Replace("OPTIONS", "ACK", StringComparison.Ordinal);
        Assert.Null(Validate(ack + "Require: foo\r\n\r\n"));
    }

    [Fact]
    public void Bodies_of_unknown_type_or_coding_are_415()
    {
        Assert.Equal(415, Validate(Base + "Content-Type: text/html\r\nContent-Length: 2\r\n\r\nhi")!.StatusCode);
        Assert.Null(Validate(Base + "Content-Type: Application/SDP; charset=x\r\nContent-Length: 2\r\n\r\nhi"));
        var coded = Validate(Base + "Content-Type: application/sdp\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\nhi")!;
        Assert.Equal(415, coded.StatusCode);
        Assert.Equal(SipHeaderNames.AcceptEncoding, coded.ExtraHeaders[0].Key);
    }

    [Fact]
    public void Content_length_mismatch_on_a_built_request_is_400()
    {
        var request = (SipRequest)SipParser.Parse(Encoding.UTF8.GetBytes(Base + "Content-Type: application/sdp\r\nContent-Length: 2\r\n\r\nhi")).Message!;
        request.Body = "longer"u8.ToArray();
        Assert.Equal(400, Validator.Validate(request)!.StatusCode);
    }

    [Fact]
    public void Parse_failures_become_verdicts_and_responses()
    {
        var tooLarge = SipParser.Parse(Encoding.UTF8.GetBytes(Base + "Content-Length: 70000\r\n\r\n"));
        var verdict = Validator.Validate(tooLarge)!;
        Assert.Equal(513, verdict.StatusCode);
        var response = verdict.CreateResponse((SipRequest)tooLarge.Message!, "tt");
        Assert.Equal("tt", response.To!.Tag);
        Assert.Equal("c1", response.CallId);
        Assert.Null(Validator.Validate(SipParser.Parse("garbage\r\n\r\n"u8)));
    }

    [Fact]
    public void Response_validator_drops_what_a_uac_must_discard()
    {
        const string ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
        SipResponse Parse(string s) => (SipResponse)SipParser.Parse(Encoding.UTF8.GetBytes(s)).Message!;
        Assert.Null(SipResponseValidator.Validate(Parse(ok)));
        Assert.NotNull(SipResponseValidator.Validate(Parse(ok.Replace("Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g", StringComparison.Ordinal))));
        Assert.NotNull(SipResponseValidator.Validate(Parse(ok.Replace("CSeq: 1", "CSeq: 99999999999", StringComparison.Ordinal))));
        Assert.NotNull(SipResponseValidator.Validate(Parse(ok.Replace("Call-ID: c\r\n", "", StringComparison.Ordinal))));
    }
}
