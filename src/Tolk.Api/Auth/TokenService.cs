using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tolk.Data;

namespace Tolk.Api.Auth;

/// <summary>Issues and validates HS256 access tokens (RFC 7519) with a key kept in the database.</summary>
public sealed class TokenService(IServiceScopeFactory scopes, TolkApiOptions options, TimeProvider time)
{
    private const string Issuer = "tolk";
    private const string Audience = "tolk-api";
    private readonly JsonWebTokenHandler _handler = new();
    private SymmetricSecurityKey? _key;

    /// <summary>Access-token lifetime.</summary>
    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(options.AccessTokenMinutes);

    /// <summary>Creates an access token for a user.</summary>
    public async Task<string> IssueAsync(Guid userId, Guid? tenantId, string role, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [TolkClaims.Subject] = userId.ToString(),
            [TolkClaims.Role] = role,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (tenantId is { } t)
        {
            claims[TolkClaims.TenantId] = t.ToString();
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + AccessTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Validates a token's signature, issuer, audience and lifetime; returns its claims or null.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateLifetime = true,
            // Lifetime against the injected clock, with no skew: tokens are issued by this server.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now) && expires is { } e && now < e;
            },
        });
        return result.IsValid ? result.ClaimsIdentity : null;
    }

    private async Task<SymmetricSecurityKey> KeyAsync(CancellationToken ct)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == DatabaseInitializer.SigningKeySetting)
            .Select(s => s.Value).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException("No signing key: call InitializeTolkDatabaseAsync at start-up.");
        return _key = new SymmetricSecurityKey(Convert.FromBase64String(value));
    }
}
