using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Auth;

/// <summary>Password sign-in request.</summary>
public sealed record TokenRequest(string? Email, string? Password);

/// <summary>Refresh request (RFC 6749 §6 field name).</summary>
public sealed record RefreshRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);

/// <summary>Token response with RFC 6749 §5.1 field names.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

/// <summary>Who the caller is.</summary>
public sealed record MeResponse(string Subject, Guid? TenantId, string? Role, string? Method);

internal static class AuthEndpoints
{
    // Verified when the e-mail is unknown, so the answer takes as long as for a known account.
    private static readonly string DummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/token", TokenAsync).AllowAnonymous().WithName("CreateToken");
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous().WithName("RefreshToken");
        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
            user.FindFirstValue(TolkClaims.Subject)!, user.Tenant(), user.RoleOf(), user.FindFirstValue(TolkClaims.Method))))
            .RequireAuthorization().WithTags("Auth").WithName("Me");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> TokenAsync(
        TokenRequest request, TolkDbContext db, TokenService tokens, TenantDirectory directory, TolkApiOptions options,
        TimeProvider time, CancellationToken ct)
    {
        var v = new Validator();
        v.Required("email", request.Email, Limits.Email);
        v.Required("password", request.Password, 256);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var email = request.Email!.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (user is null)
        {
            PasswordHasher.Verify(request.Password!, DummyHash);
            return Problems.InvalidCredentials();
        }

        if (user.LockedUntilUtc is { } until && until > now)
        {
            return Problems.InvalidCredentials();
        }

        if (!PasswordHasher.Verify(request.Password!, user.PasswordHash))
        {
            user.FailedLogins++;
            if (user.FailedLogins >= options.LockoutThreshold)
            {
                user.LockedUntilUtc = now.AddMinutes(options.LockoutMinutes);
                user.FailedLogins = 0;
            }

            await db.SaveChangesAsync(ct);
            return Problems.InvalidCredentials();
        }

        if (directory.FindUser(user.Id) is not { Enabled: true })
        {
            return Problems.InvalidCredentials();
        }

        if (user.FailedLogins != 0 || user.LockedUntilUtc is not null)
        {
            user.FailedLogins = 0;
            user.LockedUntilUtc = null;
        }

        return TypedResults.Ok(await IssuePairAsync(db, tokens, options, user, now, ct));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> RefreshAsync(
        RefreshRequest request, TolkDbContext db, TokenService tokens, TenantDirectory directory, TolkApiOptions options,
        TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
        {
            return Problems.Field("refresh_token", "The field is required.");
        }

        var hash = SecretTokens.Hash(request.RefreshToken);
        var stored = await db.RefreshTokens.FirstOrDefaultAsync(r => r.TokenHash == hash, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (stored is null || stored.ExpiresUtc <= now)
        {
            return Problems.InvalidCredentials();
        }

        if (stored.UsedUtc is not null)
        {
            // A rotated token came back: assume it was stolen and end every session of the user.
            await db.RefreshTokens.Where(r => r.UserId == stored.UserId).ExecuteDeleteAsync(ct);
            return Problems.InvalidCredentials();
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == stored.UserId, ct);
        if (user is null || directory.FindUser(user.Id) is not { Enabled: true })
        {
            return Problems.InvalidCredentials();
        }

        stored.UsedUtc = now;
        return TypedResults.Ok(await IssuePairAsync(db, tokens, options, user, now, ct));
    }

    private static async Task<TokenResponse> IssuePairAsync(TolkDbContext db, TokenService tokens, TolkApiOptions options, User user, DateTime now, CancellationToken ct)
    {
        var refresh = SecretTokens.New("rt_");
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            TokenHash = SecretTokens.Hash(refresh),
            ExpiresUtc = now.AddDays(options.RefreshTokenDays),
        });
        await db.SaveChangesAsync(ct);
        var access = await tokens.IssueAsync(user.Id, user.TenantId, user.Role, ct);
        return new TokenResponse(access, "Bearer", (int)tokens.AccessTokenLifetime.TotalSeconds, refresh);
    }
}
