using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Data;
using Tolk.Data.Directory;

namespace Tolk.Api.Tests;

/// <summary>First start on an empty database, restart, lockout, and the operator CLI service.</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task Empty_database_gets_a_generated_admin_password_and_the_demo_tenant()
    {
        await using var host = await TestHost.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["TOLK_ADMIN_PASSWORD"] = "",
            ["Demo:Passwords:bob"] = "bob-custom-pw",
        });
        Assert.Equal(TestHost.AdminEmail, host.Init.AdminEmail);
        var generated = host.Init.GeneratedAdminPassword;
        Assert.False(string.IsNullOrEmpty(generated));
        Assert.NotNull(host.Init.DemoTenantId);
        await host.TokenAsync(TestHost.AdminEmail, generated!);

        var directory = host.Services.GetRequiredService<ITenantDirectory>();
        var demo = directory.FindTenantByDomain("demo.tolk.test");
        Assert.NotNull(demo);
        Assert.True(demo.Enabled);
        static string Ha1(string user, string pw) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{user}:demo.tolk.test:{pw}")));
        var generatedDemo = host.Init.GeneratedDemoPasswords!;
        Assert.False(generatedDemo.ContainsKey("bob")); // configured, so not generated
        Assert.Equal(Ha1("alice", generatedDemo["alice"]), directory.FindSipAccount(demo.Id, "alice")!.Ha1Md5);
        Assert.Equal(Ha1("bob", "bob-custom-pw"), directory.FindSipAccount(demo.Id, "bob")!.Ha1Md5);
        Assert.Equal(Ha1("carol", generatedDemo["carol"]), directory.FindSipAccount(demo.Id, "carol")!.Ha1Md5);
        Assert.NotEqual(generatedDemo["alice"], generatedDemo["carol"]);
        Assert.True(directory.FindRoomByExtension(demo.Id, "5001")!.RequireAuth);
        var room = directory.FindRoomByExtension(demo.Id, "5000");
        Assert.NotNull(room);
        Assert.Equal(["en", "es"], room.Languages.Select(l => l.Code));

        // Initialisation is idempotent: a second run creates nothing and prints no password.
        var again = await host.Services.InitializeTolkDatabaseAsync();
        Assert.Null(again.AdminEmail);
        Assert.Null(again.GeneratedAdminPassword);
        Assert.Null(again.DemoTenantId);

        // The operator service behind `tolk tenant create|list`, `tolk user create`, `tolk apikey create`.
        await using var scope = host.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<TenantAdminService>();
        var tenant = await admin.CreateTenantAsync("Cli Co", ["CLI.example.test"]);
        Assert.Equal(["cli.example.test"], tenant.Domains);
        Assert.Contains(await admin.ListTenantsAsync(), t => t.Id == tenant.Id);
        await admin.CreateUserAsync("ops@cli.test", "ops-password-1", "tenant-admin", tenant.Id);
        var key = await admin.CreateApiKeyAsync(tenant.Id, "cli");
        using var byKey = host.Client(apiKey: key.Key);
        Assert.Equal(HttpStatusCode.OK, (await byKey.GetJsonAsync($"/api/tenants/{tenant.Id}/rooms")).Status);
        await Assert.ThrowsAsync<ArgumentException>(() => admin.CreateUserAsync("x@cli.test", "pw-123456", "root", tenant.Id));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_until_the_lockout_ends()
    {
        await using var host = await TestHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Demo:Enabled"] = "false" });
        using var client = host.Client();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/api/auth/token", new { email = TestHost.AdminEmail, password = $"wrong-{i}" })).Status);
        }

        // Locked: even the right password is refused, with the same answer as a wrong one.
        var locked = await client.PostJsonAsync("/api/auth/token", new { email = TestHost.AdminEmail, password = TestHost.AdminPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.Status);

        host.Clock.Advance(TimeSpan.FromMinutes(16));
        var token = await host.TokenAsync(TestHost.AdminEmail, TestHost.AdminPassword);

        // Tokens expire by the server's clock.
        using var authed = host.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await authed.GetJsonAsync("/api/tenants")).Status);
        host.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.Unauthorized, (await authed.GetJsonAsync("/api/tenants")).Status);
    }
}
