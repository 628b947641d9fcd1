using Tolk.Sip.Auth;
using Tolk.Testing;

namespace Tolk.Sip.Tests.Auth;

public class DigestAuthenticatorTests
{
    private const string Realm = "demo.tolk.test";
    private const string Uri = "sip:5000@demo.tolk.test";

    private readonly ManualTimeProvider _clock = new();
    private readonly Dictionary<(string, DigestAlgorithm), string> _store = new()
    {
        [("alice", DigestAlgorithm.Md5)] = SipCredential.ComputeHa1("alice", Realm, "s3cret", DigestAlgorithm.Md5),
        [("alice", DigestAlgorithm.Sha256)] = SipCredential.ComputeHa1("alice", Realm, "s3cret", DigestAlgorithm.Sha256),
    };

    private string? Lookup(string user, string realm, DigestAlgorithm algorithm) =>
        realm == Realm && _store.TryGetValue((user, algorithm), out var ha1) ? ha1 : null;

    private DigestAuthenticator NewAuthenticator(DigestAuthenticatorOptions? options = null) => new(options, _clock);

    private static DigestChallenge Parse(string value) =>
        DigestChallenge.TryParse(value, out var c, out var e) ? c! : throw new InvalidOperationException(e);

    [Fact]
    public void Challenges_offer_sha256_first_then_md5_with_qop_auth()
    {
        var challenges = NewAuthenticator().CreateChallenges(Realm).Select(Parse).ToList();
        Assert.Equal([DigestAlgorithm.Sha256, DigestAlgorithm.Md5], challenges.Select(c => c.Algorithm!.Value));
        Assert.All(challenges, c => Assert.Equal(["auth"], c.Qop));
        Assert.All(challenges, c => Assert.Equal(Realm, c.Realm));
        Assert.False(challenges[0].Stale);
        Assert.True(Parse(NewAuthenticator().CreateChallenge(Realm, DigestAlgorithm.Md5, stale: true)).Stale);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Md5)]
    public void Correct_password_is_accepted_and_nonce_can_be_reused_with_increasing_nc(DigestAlgorithm algorithm)
    {
        var server = NewAuthenticator();
        var client = new DigestClient();
        var challenge = Parse(server.CreateChallenge(Realm, algorithm));

        var first = client.CreateAuthorization(challenge, "alice", "s3cret", "REGISTER", Uri);
        Assert.Equal("00000001", first.NonceCount);
        Assert.Equal(DigestVerdict.Ok, server.Verify(first.ToString(), "REGISTER", Uri, Lookup));

        var second = client.CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);
        Assert.Equal("00000002", second.NonceCount);
        Assert.Equal(DigestVerdict.Ok, server.Verify(second, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Replayed_or_decreasing_nonce_count_is_rejected()
    {
        var server = NewAuthenticator();
        var client = new DigestClient();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        var first = client.CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);
        var second = client.CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);

        Assert.Equal(DigestVerdict.Ok, server.Verify(second, "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.Replay, server.Verify(second, "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.Replay, server.Verify(first, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Wrong_password_and_unknown_user_are_distinguished()
    {
        var server = NewAuthenticator();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        var wrong = new DigestClient().CreateAuthorization(challenge, "alice", "guess", "INVITE", Uri);
        var unknown = new DigestClient().CreateAuthorization(challenge, "mallory", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.WrongPassword, server.Verify(wrong, "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.UnknownUser, server.Verify(unknown, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void A_failed_attempt_does_not_burn_the_nonce_count()
    {
        var server = NewAuthenticator();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Md5));
        var wrong = new DigestClient().CreateAuthorization(challenge, "alice", "guess", "INVITE", Uri);
        Assert.Equal(DigestVerdict.WrongPassword, server.Verify(wrong, "INVITE", Uri, Lookup));
        var right = new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.Ok, server.Verify(right, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Tampered_foreign_or_other_realm_nonces_are_invalid()
    {
        var server = NewAuthenticator();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        var nonce = challenge.Nonce;

        // Flip one character of the random part: the HMAC no longer matches.
        var chars = nonce.ToCharArray();
        chars[15] = chars[15] == 'A' ? 'B' : 'A';
        var tampered = new DigestChallenge { Realm = Realm, Nonce = new string(chars), AlgorithmToken = "SHA-256", Qop = ["auth"] };
        var creds = new DigestClient().CreateAuthorization(tampered, "alice", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.InvalidNonce, server.Verify(creds, "INVITE", Uri, Lookup));

        // A nonce from another server (another key) is foreign.
        var other = new DigestAuthenticator(null, _clock);
        var foreign = Parse(other.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        creds = new DigestClient().CreateAuthorization(foreign, "alice", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.InvalidNonce, server.Verify(creds, "INVITE", Uri, Lookup));

        // Pushing the timestamp forward (to dodge expiry) breaks the MAC too.
        var raw = System.Buffers.Text.Base64Url.DecodeFromChars(nonce);
        raw[7] ^= 0x40;
        creds = new DigestClient().CreateAuthorization(
            new DigestChallenge { Realm = Realm, Nonce = System.Buffers.Text.Base64Url.EncodeToString(raw), AlgorithmToken = "SHA-256", Qop = ["auth"] },
            "alice", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.InvalidNonce, server.Verify(creds, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Expired_nonce_is_stale_only_when_the_password_is_right()
    {
        var server = NewAuthenticator(new DigestAuthenticatorOptions { NonceLifetime = TimeSpan.FromMinutes(5) });
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(DigestVerdict.Ok, server.Verify(new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri), "INVITE", Uri, Lookup));

        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(DigestVerdict.Stale, server.Verify(new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri), "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.WrongPassword, server.Verify(new DigestClient().CreateAuthorization(challenge, "alice", "nope", "INVITE", Uri), "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Uri_mismatch_and_malformed_credentials_are_reported()
    {
        var server = NewAuthenticator();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Md5));
        var creds = new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);
        Assert.Equal(DigestVerdict.UriMismatch, server.Verify(creds, "INVITE", "sip:6000@demo.tolk.test", Lookup));
        Assert.Equal(DigestVerdict.Malformed, server.Verify("Digest garbage", "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.Malformed, server.Verify(new DigestCredentials
        {
            Username = creds.Username, Realm = creds.Realm, Nonce = creds.Nonce, Uri = creds.Uri, Response = creds.Response,
            AlgorithmToken = "MD5", Qop = "auth", CNonce = creds.CNonce, NonceCount = "1",
        }, "INVITE", Uri, Lookup));
        Assert.Equal(DigestVerdict.Malformed, server.Verify(new DigestCredentials
        {
            Username = creds.Username, Realm = creds.Realm, Nonce = creds.Nonce, Uri = creds.Uri, Response = creds.Response,
            AlgorithmToken = "SHA-512-256", Qop = "auth", CNonce = creds.CNonce, NonceCount = creds.NonceCount,
        }, "INVITE", Uri, Lookup));
    }

    [Fact]
    public void Rfc2069_credentials_need_explicit_opt_in()
    {
        var strict = NewAuthenticator(new DigestAuthenticatorOptions { Algorithms = [DigestAlgorithm.Md5] });
        var lenient = NewAuthenticator(new DigestAuthenticatorOptions { Algorithms = [DigestAlgorithm.Md5], AllowRfc2069 = true });
        foreach (var (server, expected) in new[] { (strict, DigestVerdict.Malformed), (lenient, DigestVerdict.Ok) })
        {
            var c = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Md5));
            var noQop = new DigestChallenge { Realm = c.Realm, Nonce = c.Nonce, AlgorithmToken = "MD5" };
            var creds = new DigestClient().CreateAuthorization(noQop, "alice", "s3cret", "INVITE", Uri);
            Assert.Null(creds.Qop);
            Assert.Null(creds.NonceCount);
            Assert.Equal(expected, server.Verify(creds, "INVITE", Uri, Lookup));
        }
    }

    [Fact]
    public void Replay_memory_is_bounded_and_eviction_never_reopens_a_replay()
    {
        var server = NewAuthenticator(new DigestAuthenticatorOptions { MaxTrackedNonces = 4 });
        var used = new List<DigestCredentials>();
        for (var i = 0; i < 10; i++)
        {
            var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
            var creds = new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri);
            Assert.Equal(DigestVerdict.Ok, server.Verify(creds, "INVITE", Uri, Lookup));
            used.Add(creds);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.InRange(server.TrackedNonceCount, 1, 4);
        // Every one of them, replayed, is refused: tracked ones as Replay, evicted ones as Stale.
        foreach (var creds in used)
        {
            Assert.Contains(server.Verify(creds, "INVITE", Uri, Lookup), new[] { DigestVerdict.Replay, DigestVerdict.Stale });
        }
        // Once they expire the table empties out on the next pruning.
        _clock.Advance(TimeSpan.FromMinutes(6));
        for (var i = 0; i < 5; i++)
        {
            var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
            Assert.Equal(DigestVerdict.Ok, server.Verify(new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri), "INVITE", Uri, Lookup));
        }
        Assert.InRange(server.TrackedNonceCount, 1, 4);
    }

    [Fact]
    public void Stored_ha1_never_contains_the_password_and_depends_on_realm()
    {
        var a = SipCredential.ComputeHa1("alice", "r1", "s3cret", DigestAlgorithm.Sha256);
        var b = SipCredential.ComputeHa1("alice", "r2", "s3cret", DigestAlgorithm.Sha256);
        Assert.Equal(64, a.Length);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("s3cret", a, StringComparison.Ordinal);
        Assert.Equal(32, SipCredential.ComputeHa1("alice", "r1", "s3cret", DigestAlgorithm.Md5).Length);
    }

    [Fact]
    public void Mutated_credentials_never_throw_and_never_verify()
    {
        var server = NewAuthenticator();
        var challenge = Parse(server.CreateChallenge(Realm, DigestAlgorithm.Sha256));
        var good = new DigestClient().CreateAuthorization(challenge, "alice", "s3cret", "INVITE", Uri).ToString();
        var random = new Random(77);
        const string noise = "\",= \\0aZ/+-_";
        for (var i = 0; i < 3000; i++)
        {
            var chars = good.ToCharArray();
            var at = random.Next(chars.Length);
            var replacement = noise[random.Next(noise.Length)];
            if (chars[at] == replacement)
            {
                continue;
            }
            chars[at] = replacement;
            var verdict = server.Verify(new string(chars), "INVITE", Uri, Lookup);
            // A changed character can only make it fail, except where the change is a no-op for the parser
            // (case of a parameter name, an insignificant space or an equivalent quoting).
            if (verdict == DigestVerdict.Ok)
            {
                Assert.True(DigestCredentials.TryParse(new string(chars), out var parsed, out _));
                Assert.Equal(challenge.Nonce, parsed!.Nonce);
            }
        }
    }
}
