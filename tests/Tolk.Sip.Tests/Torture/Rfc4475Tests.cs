using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Torture;

/// <summary>
/// Every message of RFC 4475 §3 (as data files taken from the RFC), with the verdict the RFC calls for.
/// Where the RFC allows a choice, the expected value is Tolk's choice and README.md says so.
/// </summary>
public sealed class Rfc4475Tests
{
    public static TheoryData<string, int> Cases() => new()
    {
        // §3.1.1 valid messages
        { "wsinv", TortureVerdict.Valid },
        { "intmeth", TortureVerdict.Valid },
        { "esc01", TortureVerdict.Valid },
        { "escnull", TortureVerdict.Valid },
        { "esc02", TortureVerdict.Valid },
        { "lwsdisp", TortureVerdict.Valid },
        { "longreq", TortureVerdict.Valid },
        { "dblreq", TortureVerdict.Valid },
        { "semiuri", TortureVerdict.Valid },
        { "transports", TortureVerdict.Valid },
        { "mpart01", TortureVerdict.Valid },
        { "unreason", TortureVerdict.Valid },
        { "noreason", TortureVerdict.Valid },

        // §3.1.2 invalid messages
        { "badinv01", 400 },
        { "clerr", 400 },
        { "ncl", 400 },
        { "scalar02", 400 },
        { "scalarlg", TortureVerdict.Drop },
        { "quotbal", 400 },
        { "ltgtruri", 400 },
        { "lwsruri", 400 },
        { "lwsstart", 400 },
        { "trws", 400 },
        { "escruri", 400 },
        { "baddate", TortureVerdict.Valid },
        { "regbadct", 400 },
        { "badaspec", 400 },
        { "baddn", 400 },
        { "badvers", 505 },
        { "mismatch01", 400 },
        { "mismatch02", 400 },
        { "bigcode", TortureVerdict.Drop },

        // §3.2 transaction layer
        { "badbranch", TortureVerdict.Valid },

        // §3.3 application layer
        { "insuf", 400 },
        { "unkscm", 416 },
        { "novelsc", 416 },
        { "unksm2", TortureVerdict.Valid },
        { "bext01", 420 },
        { "invut", 415 },
        { "regaut01", TortureVerdict.Valid },
        { "multi01", 400 },
        { "mcl01", 400 },
        { "bcast", TortureVerdict.Drop },
        { "zeromf", TortureVerdict.Valid },
        { "cparam01", TortureVerdict.Valid },
        { "cparam02", TortureVerdict.Valid },
        { "regescrt", TortureVerdict.Valid },
        { "sdp01", 406 },

        // §3.4 backward compatibility
        { "inv2543", TortureVerdict.Valid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Message_gets_the_verdict_the_rfc_calls_for(string name, int expected)
    {
        var (verdict, parse, answer) = TortureRunner.Run(TortureRunner.Load("rfc4475", name));
        Assert.True(expected == verdict, $"{name}: expected {expected}, got {verdict} ({parse.ErrorReason ?? answer?.ToString()})");
        if (answer is not null && parse.Message is SipRequest request)
        {
            // Every answer can actually be built and addressed (RFC 3261 §8.2.6).
            var response = answer.CreateResponse(request, "t1");
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(request.Headers.CountOf(SipHeaderNames.Via), response.Headers.CountOf(SipHeaderNames.Via));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Valid_message_round_trips(string name, int expected)
    {
        if (expected != TortureVerdict.Valid)
        {
            return;
        }
        var first = SipParser.Parse(TortureRunner.Load("rfc4475", name)).Message!;
        var second = SipParser.Parse(first.ToBytes());
        Assert.True(second.IsValid, second.ErrorReason);
        RoundTrip.AssertSameContent(first, second.Message!);
    }

    [Fact]
    public void Wsinv_unfolds_and_keeps_every_value()
    {
        var m = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc4475", "wsinv")).Message!;
        Assert.Equal("sip:vivekg@chair-dnrc.example.com;unknownparam", m.RequestUri.ToString());
        Assert.Equal(68, m.MaxForwards);
        Assert.Equal(9u, m.CSeq!.Number);
        Assert.Equal("newfangled value continued newfangled value", m.Headers["NewFangledHeader"]);
        Assert.Equal("", m.Headers[SipHeaderNames.Subject]);
        Assert.Equal("1918181833n", m.To!.Tag);
        Assert.Equal("J Rosenberg \\\"", m.From!.DisplayName);
        var vias = m.Vias;
        Assert.Equal(3, vias.Count);
        Assert.Equal("390skdjuw", vias[0].Branch);
        Assert.Equal("192.0.2.2", vias[0].Host);
        Assert.Equal("TCP", vias[1].Transport);
        Assert.Equal("z9hG4bK30239", vias[2].Branch);
        var contact = Assert.Single(m.Contacts);
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("newvalue", contact.Parameters["newparam"]);
        Assert.Equal("0.33", contact.Parameters["q"]);
        Assert.Equal(150, m.Body.Length);
    }

    [Fact]
    public void Intmeth_keeps_the_unusual_method_uri_and_utf8()
    {
        var m = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc4475", "intmeth")).Message!;
        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", m.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.RequestUri.User);
        Assert.Equal("работающий", m.From!.Parameters["fromParam''~+*_!.-%"]);
        Assert.Equal("\uFEFF大停電", m.Headers["extensionHeader-!.%*+_`'~"]);
        Assert.Equal("BEL:\a NUL:\0 DEL:\u007F", m.To!.DisplayName);
    }

    [Fact]
    public void Escapes_are_kept_and_decoded_on_demand()
    {
        var esc01 = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc4475", "esc01")).Message!;
        Assert.Equal("sips:user@example.com", esc01.RequestUri.UserUnescaped);
        Assert.Equal("user", esc01.To!.Uri.UserUnescaped);
        Assert.Equal("I have spaces", esc01.From!.Uri.UserUnescaped);

        var escnull = SipParser.Parse(TortureRunner.Load("rfc4475", "escnull")).Message!;
        var contacts = escnull.Contacts;
        Assert.Equal(2, contacts.Count);
        Assert.Equal("\0", contacts[0].Uri.UserUnescaped);
        Assert.Equal("\0\0", contacts[1].Uri.UserUnescaped);

        var semiuri = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc4475", "semiuri")).Message!;
        Assert.Equal("user;par=u@example.net", semiuri.RequestUri.UserUnescaped);
        Assert.Equal(6, semiuri.Headers.GetValues(SipHeaderNames.Accept).Count());

        var esc02 = SipParser.Parse(TortureRunner.Load("rfc4475", "esc02")).Message!;
        Assert.Equal(2, esc02.Contacts.Count);
        Assert.Equal("%Z%45", esc02.To!.DisplayName);
    }

    [Fact]
    public void Responses_keep_their_reason_phrase()
    {
        var unreason = (SipResponse)SipParser.Parse(TortureRunner.Load("rfc4475", "unreason")).Message!;
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", unreason.ReasonPhrase);
        var noreason = (SipResponse)SipParser.Parse(TortureRunner.Load("rfc4475", "noreason")).Message!;
        Assert.Equal(100, noreason.StatusCode);
        Assert.Equal("", noreason.ReasonPhrase);
    }

    [Fact]
    public void Bodies_pass_through_byte_for_byte()
    {
        var raw = TortureRunner.Load("rfc4475", "mpart01");
        var m = SipParser.Parse(raw).Message!;
        Assert.Equal(553, m.Body.Length);
        Assert.True(raw.AsSpan(raw.Length - 553).SequenceEqual(m.Body.Span));

        var dblreq = SipParser.Parse(TortureRunner.Load("rfc4475", "dblreq")).Message!;
        Assert.Equal(0, dblreq.Body.Length);
        Assert.Equal(SipMethods.Register, ((SipRequest)dblreq).Method);
    }

    [Fact]
    public void Transports_and_long_headers_parse()
    {
        var transports = SipParser.Parse(TortureRunner.Load("rfc4475", "transports")).Message!;
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], transports.Vias.Select(v => v.Transport));

        var longreq = SipParser.Parse(TortureRunner.Load("rfc4475", "longreq")).Message!;
        Assert.Equal(34, longreq.Vias.Count);
        Assert.Equal("sip33.example.com", longreq.Vias[0].Host);
        Assert.Equal(6000, longreq.To!.Uri.Port);
    }

    [Fact]
    public void Bext01_answer_lists_exactly_the_unsupported_required_tags()
    {
        var (_, parse, answer) = TortureRunner.Run(TortureRunner.Load("rfc4475", "bext01"));
        var response = answer!.CreateResponse((SipRequest)parse.Message!);
        Assert.Equal("nothingSupportsThis, nothingSupportsThisEither", response.Headers[SipHeaderNames.Unsupported]);
        Assert.DoesNotContain("noProxiesSupportThis", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_media_and_unacceptable_accept_carry_accept()
    {
        var (_, invutParse, invut) = TortureRunner.Run(TortureRunner.Load("rfc4475", "invut"));
        Assert.Contains("application/sdp", invut!.CreateResponse((SipRequest)invutParse.Message!).Headers[SipHeaderNames.Accept], StringComparison.Ordinal);
        var (_, sdpParse, sdp01) = TortureRunner.Run(TortureRunner.Load("rfc4475", "sdp01"));
        Assert.Equal("application/sdp", sdp01!.CreateResponse((SipRequest)sdpParse.Message!).Headers[SipHeaderNames.Accept]);
    }

    [Theory]
    [InlineData("wsinv", "d6f6cdee99cd0a1f8e3d9a0fdd67c877700e19ab86d8186dada06f61260e3e61")]
    [InlineData("intmeth", "b957a8292c1c0a9851fe94705b90f94320738f43aacde64998e401f742ef688d")]
    [InlineData("esc01", "be3a316d4ce5f69cad474646191e390dd4b50fc8371e44b5197fe1237781973e")]
    [InlineData("escnull", "263fe2ecd12a5ccbb6c67b3174e9211d11da9b600e7d69666a86d2ee42873e90")]
    [InlineData("esc02", "9a9c59449f00327b02071feafc8e5c2a261c98c818044167894cc17809a12199")]
    [InlineData("lwsdisp", "d1b36b6316c12824f6f04bf6b1fd1f021cade9b74871693b9c3474cd9fa7f4e6")]
    [InlineData("semiuri", "87bbaed6b4b354dbd3c5c7a20e66686303c63e43a0aa19b89de1ac75231611a2")]
    [InlineData("transports", "33b4553a3b9418121b099ff07882535151edd6a1e81898c63a916aad2cbf90bc")]
    [InlineData("mpart01", "92147c8e24997bac59629e1b163767697d0d6d499af87f89e325d69968bec3ba")]
    [InlineData("unreason", "4f939d6ebf4817eea70f011d3209e83732872ffc20ffd304b244084dc392f4d7")]
    [InlineData("noreason", "07e11e470a69fffa3674de805e5165d1351a9439a91045ee70c9570ea24ab4fe")]
    public void Valid_data_files_match_the_rfc_archive(string name, string sha256) =>
        Assert.Equal(sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TortureRunner.Load("rfc4475", name))));

    [Fact]
    public void Data_files_are_the_rfc_bytes()
    {
        // The bodies carry CRLF: a checkout that rewrote line ends would break every Content-Length.
        var wsinv = TortureRunner.Load("rfc4475", "wsinv");
        Assert.Contains("\r\n\r\nv=0\r\n", Encoding.ASCII.GetString(wsinv), StringComparison.Ordinal);
        Assert.Equal(0x7F, TortureRunner.Load("rfc4475", "intmeth").Count(b => b == 0x7F) * 0x7F);
    }
}
