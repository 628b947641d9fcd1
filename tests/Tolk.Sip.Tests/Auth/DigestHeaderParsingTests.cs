using Tolk.Sip.Auth;

namespace Tolk.Sip.Tests.Auth;

public class DigestHeaderParsingTests
{
    [Fact]
    public void Quoted_strings_keep_commas_and_escapes_and_names_are_case_insensitive()
    {
        const string value = "digest REALM=\"a, \\\"quoted\\\" realm\",Nonce=\"n,1\" , Algorithm=sha-256,QOP=\"auth\", stale=TRUE, x-extra=\"v\"";
        Assert.True(DigestChallenge.TryParse(value, out var c, out var error), error);
        Assert.Equal("a, \"quoted\" realm", c!.Realm);
        Assert.Equal("n,1", c.Nonce);
        Assert.Equal(DigestAlgorithm.Sha256, c.Algorithm);
        Assert.True(c.Stale);
        Assert.Equal(["auth"], c.Qop);
        Assert.Equal("x-extra", Assert.Single(c.OtherParameters).Key);

        // Formatting escapes again and re-parses to the same realm.
        Assert.True(DigestChallenge.TryParse(c.ToString(), out var again, out error), error);
        Assert.Equal(c.Realm, again!.Realm);
        Assert.Equal(c.Nonce, again.Nonce);
    }

    [Fact]
    public void Unknown_algorithm_parses_but_is_not_usable()
    {
        Assert.True(DigestChallenge.TryParse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", out var c, out _));
        Assert.Null(c!.Algorithm);
        Assert.Null(DigestClient.SelectChallenge([c]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Digest")]
    [InlineData("Basic realm=\"r\"")]
    [InlineData("Digest realm=\"unterminated, nonce=\"x\"")]
    [InlineData("Digest realm=\"r\" nonce=\"n\"")]
    [InlineData("Digest realm=\"r\", realm=\"s\", nonce=\"n\"")]
    [InlineData("Digest nonce=\"n\"")]
    [InlineData("Digest realm=, nonce=\"n\"")]
    [InlineData("Digest =\"r\"")]
    public void Malformed_challenges_are_rejected_with_a_reason(string value)
    {
        Assert.False(DigestChallenge.TryParse(value, out var c, out var error));
        Assert.Null(c);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Credentials_missing_the_response_are_rejected()
    {
        Assert.False(DigestCredentials.TryParse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"", out _, out var error));
        Assert.Contains("response", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(4711);
        const string alphabet = "Digest realm=\"\\,nonce qop auth \t\r\n=,\"\\abc";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }
            var s = new string(chars);
            _ = DigestChallenge.TryParse(s, out _, out _);
            _ = DigestCredentials.TryParse(s, out _, out _);
        }
    }
}
