using Tolk.Sip.Auth;
using Tolk.Sip.Tests.Sdp;

namespace Tolk.Sip.Tests.Auth;

/// <summary>The installed baresip answers our challenges; <see cref="DigestAuthenticator"/> judges its answers.</summary>
[Collection(BaresipCollection.Name)]
public class BaresipDigestTests
{
    private const string Realm = "demo.tolk.test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static string? Lookup(string user, string realm, DigestAlgorithm algorithm, string password) =>
        user == "alice" && realm == Realm ? SipCredential.ComputeHa1(user, realm, password, algorithm) : null;

    private static async Task<(DigestCredentials Credentials, string RequestUri)> ChallengeAsync(BaresipPeer peer, IReadOnlyList<string> challenges)
    {
        var (invite, from) = await peer.ReceiveAsync("INVITE", Timeout);
        await peer.RespondAsync(invite, from, "407 Proxy Authentication Required", challenges.Select(c => "Proxy-Authenticate: " + c));
        while (true)
        {
            var (again, _) = await peer.ReceiveAsync("INVITE", Timeout);
            var header = BaresipPeer.Headers(again, "Proxy-Authorization").FirstOrDefault();
            if (header is null)
            {
                continue; // a retransmission of the first INVITE
            }
            Assert.True(DigestCredentials.TryParse(header, out var credentials, out var error), error);
            var requestUri = again.Split(' ')[1];
            return (credentials!, requestUri);
        }
    }

    [Fact]
    public async Task Baresip_answers_an_md5_challenge_and_the_right_password_verifies_once()
    {
        var server = new DigestAuthenticator(new DigestAuthenticatorOptions { Algorithms = [DigestAlgorithm.Md5] });
        await using var peer = BaresipPeer.Start("auth_pass=s3cret;audio_codecs=PCMU");
        var (credentials, requestUri) = await ChallengeAsync(peer, server.CreateChallenges(Realm));

        Assert.Equal("alice", credentials.Username);
        Assert.Equal(DigestAlgorithm.Md5, credentials.Algorithm);
        Assert.Equal("auth", credentials.Qop);
        Assert.Equal(DigestVerdict.Ok, server.Verify(credentials, "INVITE", requestUri, (u, r, a) => Lookup(u, r, a, "s3cret")));
        Assert.Equal(DigestVerdict.Replay, server.Verify(credentials, "INVITE", requestUri, (u, r, a) => Lookup(u, r, a, "s3cret")));
    }

    [Fact]
    public async Task Baresip_with_a_wrong_password_is_caught()
    {
        var server = new DigestAuthenticator(new DigestAuthenticatorOptions { Algorithms = [DigestAlgorithm.Md5] });
        await using var peer = BaresipPeer.Start("auth_pass=wrong;audio_codecs=PCMU");
        var (credentials, requestUri) = await ChallengeAsync(peer, server.CreateChallenges(Realm));
        Assert.Equal(DigestVerdict.WrongPassword, server.Verify(credentials, "INVITE", requestUri, (u, r, a) => Lookup(u, r, a, "s3cret")));
    }

    /// <summary>
    /// Interop fact, kept as a canary: Debian 12's baresip 1.0.0 (libre) gives up ("Function not
    /// implemented") when any challenge uses SHA-256, even with an MD5 one beside it — contrary to
    /// RFC 8760 §2.4. Peers like it need <see cref="DigestAuthenticatorOptions.Algorithms"/> = [MD5].
    /// If this starts failing, baresip learned SHA-256 and the caveat can go.
    /// </summary>
    [Fact]
    public async Task Baresip_1_0_gives_up_when_a_sha256_challenge_is_present()
    {
        var server = new DigestAuthenticator();
        await using var peer = BaresipPeer.Start("auth_pass=s3cret;audio_codecs=PCMU");
        var (invite, from) = await peer.ReceiveAsync("INVITE", Timeout);
        await peer.RespondAsync(invite, from, "407 Proxy Authentication Required", server.CreateChallenges(Realm).Select(c => "Proxy-Authenticate: " + c));
        var deadline = DateTime.UtcNow + Timeout;
        while (!peer.Log.Contains("session closed", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Contains("session closed: Function not implemented", peer.Log, StringComparison.Ordinal);
    }
}
