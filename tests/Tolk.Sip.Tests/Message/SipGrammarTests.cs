using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipGrammarTests
{
    [Theory]
    [InlineData("a, b,c", new[] { "a", "b", "c" })]
    [InlineData("\"x, y\" <sip:a@b>, <sip:c@d;p=1,2>", new[] { "\"x, y\" <sip:a@b>", "<sip:c@d;p=1,2>" })]
    [InlineData("\"a\\\", b\" <sip:x@y>", new[] { "\"a\\\", b\" <sip:x@y>" })]
    [InlineData(" , ,a,, ", new[] { "a" })]
    [InlineData("", new string[0])]
    public void Split_list_respects_quotes_and_angles(string value, string[] expected) =>
        Assert.Equal(expected, SipGrammar.SplitList(value));

    [Fact]
    public void Quote_and_unquote_are_inverse()
    {
        foreach (var s in new[] { "plain", "with \"quotes\"", "back\\slash", "" })
        {
            Assert.Equal(s, SipGrammar.Unquote(SipGrammar.Quote(s)));
        }
    }

    [Theory]
    [InlineData(";a=1;b;c=\"x;y\"", true)]
    [InlineData(" ; a = 1 ; b ", true)]
    [InlineData(";=1", false)]
    [InlineData(";a=\"unterminated", false)]
    [InlineData(";a=<x>", false)]
    [InlineData("a=1", false)]
    public void Parameters_parse_or_fail_cleanly(string text, bool ok)
    {
        var p = new SipParameters();
        Assert.Equal(ok, SipGrammar.TryParseParameters(text, p));
    }
}
