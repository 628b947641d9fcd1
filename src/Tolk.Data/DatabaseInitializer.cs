using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Data.Entities;

namespace Tolk.Data;

/// <summary>
/// What first-start initialisation did. <c>AdminEmail</c> is the master admin created now (null when one
/// existed); <c>GeneratedAdminPassword</c> is set only when the password was generated, and the host prints
/// it once; <c>DemoTenantId</c> is the demo tenant created now, or null.
/// </summary>
public sealed record TolkInitResult(string? AdminEmail, string? GeneratedAdminPassword, Guid? DemoTenantId);

/// <summary>Migrates the schema and seeds the first master admin and the demo tenant.</summary>
public sealed class DatabaseInitializer(IServiceScopeFactory scopes, IConfiguration configuration, TolkDataOptions options)
{
    /// <summary>Settings key of the token signing key (base64, 64 random bytes).</summary>
    public const string SigningKeySetting = "auth.signing-key";

    /// <summary>Default demo SIP passwords, used when <c>Demo:Passwords:{name}</c> is not configured.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultDemoPasswords = new Dictionary<string, string>
    {
        ["alice"] = "alice-demo",
        ["bob"] = "bob-demo",
        ["carol"] = "carol-demo",
    };

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
        var demo = configuration.GetSection("Demo");
        var demoDomain = (demo["Domain"] ?? "demo.tolk.test").ToLowerInvariant();
        if (demo.GetValue("Enabled", true) && await admin.FindTenantAsync(demoDomain, ct) is null)
        {
            var tenant = await admin.CreateTenantAsync("Demo", [demoDomain], ct);
            demoId = tenant.Id;
            string[] names = ["alice", "bob", "carol"];
            string[] languages = ["en", "es", "en"];
            for (var i = 0; i < names.Length; i++)
            {
                var password = demo[$"Passwords:{names[i]}"] ?? DefaultDemoPasswords[names[i]];
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
            await db.SaveChangesAsync(ct);
        }

        return new TolkInitResult(adminEmail, generated, demoId);
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
