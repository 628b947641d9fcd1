using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Torture;

/// <summary>Semantic equality of two messages: start line, headers (bar Content-Length, rewritten on output), body.</summary>
public static class RoundTrip
{
    public static void AssertSameContent(SipMessage expected, SipMessage actual)
    {
        switch (expected)
        {
            case SipRequest req:
                var other = Assert.IsType<SipRequest>(actual);
                Assert.Equal(req.Method, other.Method);
                Assert.Equal(req.RequestUri.ToString(), other.RequestUri.ToString());
                break;
            case SipResponse resp:
                var otherResp = Assert.IsType<SipResponse>(actual);
                Assert.Equal(resp.StatusCode, otherResp.StatusCode);
                Assert.Equal(resp.ReasonPhrase, otherResp.ReasonPhrase);
                break;
        }
        var a = expected.Headers.Where(h => h.Name != SipHeaderNames.ContentLength).ToList();
        var b = actual.Headers.Where(h => h.Name != SipHeaderNames.ContentLength).ToList();
        Assert.Equal(a, b);
        Assert.True(expected.Body.Span.SequenceEqual(actual.Body.Span));
        Assert.Equal(expected.From?.ToString(), actual.From?.ToString());
        Assert.Equal(expected.To?.ToString(), actual.To?.ToString());
        Assert.Equal(expected.Vias.Select(v => v.ToString()), actual.Vias.Select(v => v.ToString()));
    }
}
