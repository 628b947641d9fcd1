using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Auth;
using Tolk.Sip.Message;
using Tolk.Sip.Transactions;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    /// <summary>
    /// Digest authentication of a request against the tenant's accounts (RFC 3261 §22.4, RFC 8760).
    /// Returns the authenticated username; otherwise it has already answered 401 (with fresh
    /// challenges, stale=true for an expired nonce) or 403, and returns null.
    /// </summary>
    private string? Authenticate(SipServerTransaction tx, TenantInfo tenant)
    {
        var request = tx.Request;
        var realm = tenant.Realm;
        var verdict = DigestVerdict.Malformed;
        string? username = null;

        foreach (var header in request.Headers.GetValues(SipHeaderNames.Authorization))
        {
            if (!DigestCredentials.TryParse(header, out var credentials, out _) || credentials is null)
            {
                continue;
            }
            if (!string.Equals(credentials.Realm, realm, StringComparison.OrdinalIgnoreCase))
            {
                // Credentials for another realm (RFC 3261 §22.4: skip, look for ours).
                continue;
            }
            username = credentials.Username;
            verdict = _digest.Verify(credentials, request.Method, credentials.Uri, (user, r, algorithm) => LookupHa1(tenant, user, algorithm));
            if (verdict == DigestVerdict.Ok && !UriMatchesRequest(credentials.Uri, request, tx.Inbound.Local.EndPoint))
            {
                verdict = DigestVerdict.UriMismatch;
            }
            break;
        }

        if (verdict == DigestVerdict.Ok)
        {
            return username;
        }
        if (username is not null && verdict is not DigestVerdict.Stale)
        {
            LogAuthFailed(_logger, username, realm, verdict);
        }
        if (verdict is DigestVerdict.UriMismatch)
        {
            tx.Respond(Reply(request, 400, "Authorization URI does not match the Request-URI"));
            return null;
        }
        var challenge = Reply(request, 401);
        foreach (var value in _digest.CreateChallenges(realm, stale: verdict == DigestVerdict.Stale))
        {
            challenge.Headers.Add(SipHeaderNames.WwwAuthenticate, value);
        }
        tx.Respond(challenge);
        return null;
    }

    private string? LookupHa1(TenantInfo tenant, string user, DigestAlgorithm algorithm)
    {
        var account = _tenants.FindAccount(tenant.Id, user);
        if (account is null || !account.Enabled)
        {
            return null;
        }
        return algorithm switch
        {
            DigestAlgorithm.Sha256 or DigestAlgorithm.Sha256Sess => account.Ha1Sha256,
            DigestAlgorithm.Md5 or DigestAlgorithm.Md5Sess => account.Ha1Md5,
            _ => null,
        };
    }

    /// <summary>
    /// RFC 3261 §22.4: the digest-uri names the Request-URI. Some clients (SIPp among them) put the
    /// server's own address there instead; that still binds the credentials to this server, so it is
    /// accepted too. Anything else is refused.
    /// </summary>
    private static bool UriMatchesRequest(string digestUri, SipRequest request, System.Net.IPEndPoint local)
    {
        if (request.RawRequestUri is { } raw && string.Equals(raw, digestUri, StringComparison.Ordinal))
        {
            return true;
        }
        if (!SipUri.TryParse(digestUri, out var uri))
        {
            return false;
        }
        var target = request.RequestUri;
        if (uri.User is null && System.Net.IPAddress.TryParse(uri.HostName, out var address)
            && (address.Equals(local.Address) || local.Address.Equals(System.Net.IPAddress.Any) || local.Address.Equals(System.Net.IPAddress.IPv6Any))
            && (uri.Port ?? 5060) == local.Port)
        {
            return true;
        }
        return uri.Scheme == target.Scheme
            && string.Equals(uri.UserUnescaped, target.UserUnescaped, StringComparison.Ordinal)
            && uri.HostName == target.HostName
            && (uri.Port ?? 0) == (target.Port ?? 0);
    }
}
