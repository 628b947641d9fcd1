using System.Net;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>
/// One running host with two tenants (A and B), their admins, a tenant user of A, API keys, and one
/// resource of every collection in tenant A (the targets of the isolation matrix).
/// </summary>
public abstract class ApiFixture : IAsyncLifetime
{
    protected abstract string Provider { get; }

    public TestHost Host { get; private set; } = null!;
    public string MasterToken { get; private set; } = null!;
    public string TenantA { get; private set; } = null!;
    public string TenantB { get; private set; } = null!;
    public string AdminAToken { get; private set; } = null!;
    public string UserAToken { get; private set; } = null!;
    public string AdminBToken { get; private set; } = null!;
    public string KeyA { get; private set; } = null!;
    public string KeyB { get; private set; } = null!;
    public string UserKeyA { get; private set; } = null!;

    /// <summary>Ids of tenant A's resources by collection segment ("rooms", "users", …).</summary>
    public Dictionary<string, string> ResourcesA { get; } = [];

    public string DidA { get; } = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);

    public HttpClient Master => Host.Client(MasterToken);
    public HttpClient AdminA => Host.Client(AdminAToken);

    public async Task InitializeAsync()
    {
        // Webhook tests post to listeners on loopback, and retry on the manual clock.
        Host = await TestHost.StartAsync(Provider, new Dictionary<string, string?>
        {
            ["Tolk:Api:Webhooks:AllowPrivateNetworks"] = "true",
            ["Tolk:Api:Webhooks:RetryBaseSeconds"] = "2",
        });
        MasterToken = await Host.TokenAsync(TestHost.AdminEmail, TestHost.AdminPassword);
        using var master = Master;
        TenantA = await CreateTenantAsync(master, "Tenant A", "a.tenants.test");
        TenantB = await CreateTenantAsync(master, "Tenant B", "b.tenants.test");
        await CreateUserAsync(master, TenantA, "admin@a.test", "tenant-admin");
        await CreateUserAsync(master, TenantA, "user@a.test", "tenant-user");
        await CreateUserAsync(master, TenantB, "admin@b.test", "tenant-admin");
        AdminAToken = await Host.TokenAsync("admin@a.test", "password-of-admin@a.test");
        UserAToken = await Host.TokenAsync("user@a.test", "password-of-user@a.test");
        AdminBToken = await Host.TokenAsync("admin@b.test", "password-of-admin@b.test");

        using var a = AdminA;
        using var b = Host.Client(AdminBToken);
        KeyA = (await Ok(a.PostJsonAsync($"/api/tenants/{TenantA}/api-keys", new { name = "ci" }))).Json.GetProperty("key").GetString()!;
        UserKeyA = (await Ok(a.PostJsonAsync($"/api/tenants/{TenantA}/api-keys", new { name = "ro", role = "tenant-user" }))).Json.GetProperty("key").GetString()!;
        KeyB = (await Ok(b.PostJsonAsync($"/api/tenants/{TenantB}/api-keys", new { name = "ci" }))).Json.GetProperty("key").GetString()!;

        var t = $"/api/tenants/{TenantA}";
        ResourcesA["rooms"] = (await Ok(a.PostJsonAsync($"{t}/rooms", new
        {
            name = "Board room", extension = "6000", languages = new[] { new { code = "en", voice = (string?)"espeak:en" }, new { code = "es", voice = (string?)null } },
            delayMs = 200, originalMixPercent = 15, emotionAlerts = true,
        }))).Id;
        ResourcesA["users"] = (await Ok(a.GetJsonAsync($"{t}/users?q=user@a.test"))).Json.GetProperty("items")[0].GetProperty("id").GetString()!;
        ResourcesA["numbers"] = (await Ok(master.PostJsonAsync($"{t}/numbers", new { did = DidA, targetType = "room", target = ResourcesA["rooms"] }))).Id;
        ResourcesA["sip-accounts"] = (await Ok(a.PostJsonAsync($"{t}/sip-accounts", new { username = "dave", password = "dave-secret-1", extension = "2001", language = "en" }))).Id;
        ResourcesA["trunks"] = (await Ok(a.PostJsonAsync($"{t}/trunks", new { name = "pbx", allowedAddresses = new[] { "192.0.2.10", "198.51.100.0/24" } }))).Id;
        ResourcesA["api-keys"] = (await Ok(a.GetJsonAsync($"{t}/api-keys"))).Json.GetProperty("items")[0].GetProperty("id").GetString()!;
        ResourcesA["webhooks"] = (await Ok(a.PostJsonAsync($"{t}/webhooks", new { url = "https://hooks.a.test/tolk", events = new[] { "call.ended" } }))).Id;
        ResourcesA["voices"] = (await Ok(a.SendAsync(HttpMethod.Post, $"{t}/voices", Wav.Form("Anna", "en", Wav.Bursts(180, 4, 2))))).Id;
    }

    private static async Task<Reply> Ok(Task<Reply> call)
    {
        var reply = await call;
        Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted,
            $"setup call failed: {(int)reply.Status} {reply.Json}");
        return reply;
    }

    private static async Task<string> CreateTenantAsync(HttpClient master, string name, string domain) =>
        (await Ok(master.PostJsonAsync("/api/tenants", new { name, domains = new[] { domain } }))).Id;

    private static Task<Reply> CreateUserAsync(HttpClient client, string tenant, string email, string role) =>
        Ok(client.PostJsonAsync($"/api/tenants/{tenant}/users", new { email, password = $"password-of-{email}", role }));

    public virtual async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class SqliteFixture : ApiFixture
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresFixture : ApiFixture
{
    protected override string Provider => "postgresql";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresServer.StopAsync();
    }
}
