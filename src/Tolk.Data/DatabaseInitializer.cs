using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Data.Entities;

namespace Tolk.Data;

/// <summary>
/// What first-start initialisation did. <c>AdminEmail</c> is the master admin created now (null when one
/// existed); <c>GeneratedAdminPassword</c> is set only when the password was generated, and the host prints
/// it once; <c>DemoTenantId</c> is the demo tenant created now, or null; <c>GeneratedDemoPasswords</c>
/// holds the demo SIP passwords that were generated now (not configured), also to be printed once.
/// </summary>
public sealed record TolkInitResult(string? AdminEmail, string? GeneratedAdminPassword, Guid? DemoTenantId, IReadOnlyDictionary<string, string>? GeneratedDemoPasswords = null);

/// <summary>Migrates the schema and seeds the first master admin and the demo tenant.</summary>
public sealed class DatabaseInitializer(IServiceScopeFactory scopes, IConfiguration configuration, TolkDataOptions options)
{
    /// <summary>Settings key of the token signing key (base64, 64 random bytes).</summary>
    public const string SigningKeySetting = "auth.signing-key";

    /// <summary>The demo tenant's SIP accounts; a password not configured in <c>Demo:Passwords:{name}</c> is generated.</summary>
    public static readonly IReadOnlyList<string> DemoAccounts = ["alice", "bob", "carol"];

    /// <summary>Runs migrations and first-start seeding; safe to run on every start.</summary>
    public async Task<TolkInitResult> InitializeAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<TenantContext>().Actor = "system:init";
        var db = sp.GetRequiredService<TolkDbContext>();
        if (!options.IsPostgres)
        {
            // WAL lets API readers proceed while a writer commits.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync(ct);
        if (!await db.Settings.AnyAsync(s => s.Key == SigningKeySetting, ct))
        {
            db.Settings.Add(new SystemSetting { Key = SigningKeySetting, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) });
            await db.SaveChangesAsync(ct);
        }

        var admin = sp.GetRequiredService<TenantAdminService>();
        string? adminEmail = null, generated = null;
        if (!await db.Users.AnyAsync(u => u.Role == Roles.MasterAdmin, ct))
        {
            adminEmail = Setting("TOLK_ADMIN_EMAIL") ?? "admin@tolk.local";
            var password = Setting("TOLK_ADMIN_PASSWORD");
            if (string.IsNullOrEmpty(password))
            {
                password = generated = Security.PasswordHasher.Generate();
            }

            await admin.CreateUserAsync(adminEmail, password, Roles.MasterAdmin, null, ct);
        }

        Guid? demoId = null;
        IReadOnlyDictionary<string, string>? generatedDemoPasswords = null;
        var demo = configuration.GetSection("Demo");
        var demoDomain = (demo["Domain"] ?? "demo.tolk.test").ToLowerInvariant();
        if (demo.GetValue("Enabled", true) && await admin.FindTenantAsync(demoDomain, ct) is null)
        {
            var tenant = await admin.CreateTenantAsync("Demo", [demoDomain], ct);
            demoId = tenant.Id;
            string[] languages = ["en", "es", "en"];
            var generatedDemo = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < DemoAccounts.Count; i++)
            {
                var names = DemoAccounts;
                var password = demo[$"Passwords:{names[i]}"];
                if (string.IsNullOrEmpty(password))
                {
                    // No well-known default: a demo tenant left enabled in production must not be an open door.
                    password = generatedDemo[names[i]] = Security.PasswordHasher.Generate();
                }
                await admin.CreateSipAccountAsync(tenant, names[i], password, (1001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), languages[i], ct);
            }

            db.Rooms.Add(new Room
            {
                Id = Guid.NewGuid(),
                TenantId = tenant.Id,
                Name = "Demo room",
                Extension = "5000",
                Languages = [new RoomLanguage { Code = "en" }, new RoomLanguage { Code = "es" }],
                DelayMs = 0,
                OriginalMixPercent = 20,
            });
            db.Rooms.Add(new Room
            {
                Id = Guid.NewGuid(),
                TenantId = tenant.Id,
                Name = "Demo private room",
                Extension = "5001",
                Languages = [new RoomLanguage { Code = "en" }, new RoomLanguage { Code = "es" }],
                DelayMs = 0,
                OriginalMixPercent = 20,
                RequireAuth = true,
            });
            await db.SaveChangesAsync(ct);
            generatedDemoPasswords = generatedDemo;
        }

        return new TolkInitResult(adminEmail, generated, demoId, generatedDemoPasswords);
    }

    private string? Setting(string name) => configuration[name] ?? Environment.GetEnvironmentVariable(name);
}

/// <summary>Start-up entry point for the host.</summary>
public static class DatabaseInitializerExtensions
{
    /// <summary>Migrates, creates the first master admin and the demo tenant. Call once before serving.</summary>
    public static Task<TolkInitResult> InitializeTolkDatabaseAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
}
