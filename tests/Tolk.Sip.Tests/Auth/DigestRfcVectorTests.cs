using Tolk.Sip.Auth;

namespace Tolk.Sip.Tests.Auth;

public class DigestRfcVectorTests
{
    [Fact]
    public void Rfc2617_example_response_is_reproduced()
    {
        var file = DigestVectorFile.Read("rfc2617-section-3.5.txt");
        Assert.True(DigestChallenge.TryParse(file.Single("WWW-Authenticate"), out var challenge, out var error), error);
        Assert.True(DigestCredentials.TryParse(file.Single("Authorization"), out var credentials, out error), error);

        Assert.Equal("testrealm@host.com", challenge!.Realm);
        Assert.Equal(["auth", "auth-int"], challenge.Qop);
        Assert.Equal(DigestAlgorithm.Md5, challenge.Algorithm);
        Assert.Equal("5ccc069c403ebaf9f0171e9517f40e41", challenge.Opaque);

        var ha1 = SipCredential.ComputeHa1(credentials!.Username, credentials.Realm, file.Single("Password"), DigestAlgorithm.Md5);
        var response = SipCredential.ComputeResponse(DigestAlgorithm.Md5, ha1, credentials.Nonce, credentials.NonceCount,
            credentials.CNonce, credentials.Qop, file.Single("Method"), credentials.Uri);

        Assert.Equal("6629fae49393a05397450978507c4ef1", credentials.Response);
        Assert.Equal(credentials.Response, response);
    }

    [Theory]
    [InlineData("MD5", DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_example_responses_are_reproduced(string token, DigestAlgorithm algorithm, string expected)
    {
        var file = DigestVectorFile.Read("rfc7616-section-3.9.1.txt");
        var credentials = file.All("Authorization")
            .Select(v => DigestCredentials.TryParse(v, out var c, out _) ? c! : throw new InvalidOperationException(v))
            .Single(c => c.AlgorithmToken == token);
        var challenge = file.All("WWW-Authenticate")
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c! : throw new InvalidOperationException(v))
            .Single(c => c.Algorithm == algorithm);

        Assert.Equal(["auth", "auth-int"], challenge.Qop);
        Assert.Equal(challenge.Nonce, credentials.Nonce);
        Assert.Equal(expected, credentials.Response);

        var ha1 = SipCredential.ComputeHa1(credentials.Username, credentials.Realm, file.Single("Password"), algorithm);
        var response = SipCredential.ComputeResponse(algorithm, ha1, credentials.Nonce, credentials.NonceCount,
            credentials.CNonce, credentials.Qop, file.Single("Method"), credentials.Uri);
        Assert.Equal(expected, response);
    }

    [Fact]
    public void Rfc7616_challenges_list_sha256_first_and_client_selects_it()
    {
        var file = DigestVectorFile.Read("rfc7616-section-3.9.1.txt");
        var challenges = file.All("WWW-Authenticate")
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c! : throw new InvalidOperationException(v))
            .ToList();
        Assert.Equal(DigestAlgorithm.Sha256, challenges[0].Algorithm);
        // Even listed second, SHA-256 is the stronger choice.
        challenges.Reverse();
        Assert.Equal(DigestAlgorithm.Sha256, DigestClient.SelectChallenge(challenges)!.Algorithm);
    }

    [Fact]
    public void Formatted_credentials_parse_back_to_the_same_values()
    {
        var file = DigestVectorFile.Read("rfc7616-section-3.9.1.txt");
        foreach (var value in file.All("Authorization"))
        {
            Assert.True(DigestCredentials.TryParse(value, out var original, out _));
            Assert.True(DigestCredentials.TryParse(original!.ToString(), out var again, out var error), error);
            Assert.Equal(original.ToString(), again!.ToString());
            Assert.Equal(original.Response, again.Response);
            Assert.Equal(original.NonceCount, again.NonceCount);
            Assert.Equal(original.CNonce, again.CNonce);
        }
    }
}
