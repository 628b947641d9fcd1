using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tolk.Api.Live;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Security;

namespace Tolk.Api.Auth;

/// <summary>
/// One scheme for both credentials: <c>Authorization: Bearer &lt;jwt&gt;</c> and <c>X-Api-Key</c>. Every
/// request re-checks the principal against the live directory, so a disabled tenant or user, or a
/// revoked key, stops working at once even while a token is still unexpired.
/// </summary>
public sealed class TolkAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    TenantDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Tolk";

    /// <summary>The API key header.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var queryToken = QueryAccessToken();
        if (queryToken is not null && queryToken.StartsWith(SecretTokens.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return AuthenticateApiKey(queryToken);
        }

        if (Request.Headers.TryGetValue(ApiKeyHeader, out var apiKey) && apiKey.ToString() is { Length: > 0 } key)
        {
            return AuthenticateApiKey(key);
        }

        var authorization = Request.Headers.Authorization.ToString();
        string token;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = authorization["Bearer ".Length..].Trim();
        }
        else if (queryToken is not null)
        {
            token = queryToken;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await tokens.ValidateAsync(token, Context.RequestAborted);
        if (identity is null || !Guid.TryParse(identity.FindFirst(TolkClaims.Subject)?.Value, out var userId))
        {
            return AuthenticateResult.Fail("Invalid token.");
        }

        var user = directory.FindUser(userId);
        if (user is null || !user.Enabled)
        {
            return AuthenticateResult.Fail("The user or the tenant is disabled.");
        }

        return Success($"user:{user.Id}", user.Id, user.TenantId, user.Role, "password");
    }

    /// <summary>
    /// The <c>access_token</c> query parameter (RFC 6750 §2.3), honoured only on endpoints marked with
    /// <see cref="QueryAccessTokenAttribute"/> (the live feeds: EventSource and browser WebSockets cannot set
    /// headers) and only when no header credential is present.
    /// </summary>
    private string? QueryAccessToken()
    {
        if (Request.Headers.ContainsKey(ApiKeyHeader) || Request.Headers.Authorization.Count > 0
            || Context.GetEndpoint()?.Metadata.GetMetadata<QueryAccessTokenAttribute>() is null)
        {
            return null;
        }

        return Request.Query["access_token"].ToString() is { Length: > 0 } value ? value : null;
    }

    private AuthenticateResult AuthenticateApiKey(string key)
    {
        var entry = directory.FindApiKeyByHash(SecretTokens.Hash(key));
        return entry is null
            ? AuthenticateResult.Fail("Unknown or revoked API key.")
            : Success($"apikey:{entry.Id}", entry.Id, entry.TenantId, entry.Role, "apikey");
    }

    private AuthenticateResult Success(string actor, Guid subject, Guid? tenantId, string role, string method)
    {
        Context.RequestServices.GetRequiredService<TenantContext>().Actor = actor;
        var claims = new List<Claim>
        {
            new(TolkClaims.Subject, subject.ToString()),
            new(TolkClaims.Role, role),
            new(TolkClaims.Method, method),
        };
        if (tenantId is { } t)
        {
            claims.Add(new Claim(TolkClaims.TenantId, t.ToString()));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, TolkClaims.Subject, TolkClaims.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid bearer token or X-Api-Key is required.");

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this action.");

    private async Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        // TryWrite: a client that accepts only text/event-stream (EventSource) gets the bare status code.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
