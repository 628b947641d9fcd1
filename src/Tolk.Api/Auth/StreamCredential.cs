using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Tolk.Data.Directory;
using Tolk.Data.Security;

namespace Tolk.Api.Auth;

/// <summary>
/// The credential a long-lived stream was opened with, re-checked while it runs: the request was
/// authorized once, but a live feed can outlast the access token, a disabled user or a revoked API key.
/// </summary>
internal sealed class StreamCredential
{
    private readonly Func<bool> _check;

    private StreamCredential(Func<bool> check) => _check = check;

    /// <summary>Captures the request's credential (header first, then <c>access_token</c>, as the handler reads them).</summary>
    public static StreamCredential From(HttpContext http, TenantDirectory directory, TimeProvider time)
    {
        var request = http.Request;
        var apiKey = request.Headers[TolkAuthenticationHandler.ApiKeyHeader].ToString();
        var authorization = request.Headers.Authorization.ToString();
        var query = request.Query["access_token"].ToString();
        if (apiKey.Length == 0 && authorization.Length == 0 && query.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal))
        {
            apiKey = query;
        }

        if (apiKey.Length > 0)
        {
            var hash = SecretTokens.Hash(apiKey);
            return new StreamCredential(() => directory.FindApiKeyByHash(hash) is not null);
        }

        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : query;
        var expires = DateTime.MinValue;
        try
        {
            expires = new JsonWebToken(token).ValidTo;
        }
        catch (ArgumentException)
        {
            // Unreadable: treat as expired (it was validated at connect, so this does not happen).
        }

        var user = Guid.TryParse(http.User.FindFirst(TolkClaims.Subject)?.Value, out var id) ? id : Guid.Empty;
        return new StreamCredential(() => time.GetUtcNow().UtcDateTime < expires && directory.FindUser(user) is { Enabled: true });
    }

    /// <summary>True while the token is unexpired and the user is enabled, or the API key unrevoked.</summary>
    public bool IsValid() => _check();
}
