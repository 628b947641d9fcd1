using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tolk.Api;
using Tolk.ApiLoad;
using Tolk.Data;
using Tolk.Data.Entities;

// Load driver for the management API's hot reads against the real host (Kestrel on loopback) on
// SQLite and PostgreSQL. Usage: Tolk.ApiLoad [--provider sqlite|postgresql|both] [--rate 500] [--seconds 10]
var provider = Arg("--provider") ?? "both";
var rate = int.Parse(Arg("--rate") ?? "500", CultureInfo.InvariantCulture);
var seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);
var results = new List<(string Provider, LoadResult Result)>();

foreach (var p in provider == "both" ? ["sqlite", "postgresql"] : new[] { provider })
{
    LocalPostgres? pg = p == "postgresql" ? await LocalPostgres.StartAsync() : null;
    try
    {
        results.AddRange((await RunAsync(p, pg?.ConnectionString)).Select(r => (p, r)));
    }
    finally
    {
        if (pg is not null)
        {
            await pg.DisposeAsync();
        }
    }
}

Console.WriteLine();
Console.WriteLine($"| database | scenario | load | req/s | p50 ms | p99 ms | max ms | errors |");
Console.WriteLine($"|---|---|---|---:|---:|---:|---:|---:|");
foreach (var (p, r) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {p} | {r.Scenario} | {r.Mode} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.MaxMs:0.0} | {r.Errors}/{r.Count} |"));
}

return 0;

async Task<List<LoadResult>> RunAsync(string db, string? connectionString)
{
    var dir = Path.Combine(Path.GetTempPath(), $"tolk-bench-{Guid.NewGuid():N}");
    Directory.CreateDirectory(dir);
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = dir });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Tolk:Data:Provider"] = db,
        ["Tolk:Data:Directory"] = dir,
        ["Tolk:Data:ConnectionString"] = connectionString,
        ["TOLK_ADMIN_EMAIL"] = "bench@provider.test",
        ["TOLK_ADMIN_PASSWORD"] = "bench-password",
    });
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Services.AddTolkData(builder.Configuration);
    builder.Services.AddTolkApi(builder.Configuration);
    await using var app = builder.Build();
    await app.Services.InitializeTolkDatabaseAsync();
    app.MapTolkApi();
    await app.StartAsync();
    var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    Guid tenantId, roomId;
    string apiKey;
    const string did = "+4930555000";
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var admin = scope.ServiceProvider.GetRequiredService<TenantAdminService>();
        var tenant = await admin.CreateTenantAsync("Bench", ["bench.tolk.test"]);
        tenantId = tenant.Id;
        await admin.CreateUserAsync("admin@bench.test", "bench-admin-pw", Roles.TenantAdmin, tenant.Id);
        apiKey = (await admin.CreateApiKeyAsync(tenant.Id, "bench")).Key;
        var dbc = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var room = new Room { Id = Guid.NewGuid(), TenantId = tenant.Id, Name = "Bench room", Extension = "5100", Languages = [new RoomLanguage { Code = "en" }, new RoomLanguage { Code = "es" }] };
        roomId = room.Id;
        dbc.Rooms.Add(room);
        dbc.Numbers.Add(new PhoneNumber { Id = Guid.NewGuid(), TenantId = tenant.Id, Did = did, TargetType = NumberTargetType.Room, Target = room.Id.ToString() });
        await dbc.SaveChangesAsync();
    }

    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
    using var anon = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };
    var login = await anon.PostAsJsonAsync("/api/auth/token", new { email = "admin@bench.test", password = "bench-admin-pw" });
    var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
    using var bearer = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };
    bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var keyed = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };
    keyed.DefaultRequestHeaders.Add("X-Api-Key", apiKey);

    var t = $"/api/tenants/{tenantId}";
    var scenarios = new (string Name, Func<Task<bool>> Call)[]
    {
        ("auth: bearer JWT (GET /api/me)", () => Ok(bearer, "/api/me")),
        ("auth: X-Api-Key (GET /api/me)", () => Ok(keyed, "/api/me")),
        ("room by number (GET routes/{did})", () => Ok(bearer, $"{t}/routes/{Uri.EscapeDataString(did)}")),
        ("tenant status (GET status)", () => Ok(bearer, $"{t}/status")),
        ("room from DB (GET rooms/{id})", () => Ok(bearer, $"{t}/rooms/{roomId}")),
    };

    var list = new List<LoadResult>();
    foreach (var (name, call) in scenarios)
    {
        await LoadRunner.ClosedLoopAsync(name, call, 8, TimeSpan.FromSeconds(1)); // warm-up (JIT, pools)
        list.Add(await LoadRunner.OpenLoopAsync(name, call, rate, TimeSpan.FromSeconds(seconds)));
        list.Add(await LoadRunner.ClosedLoopAsync(name, call, 16, TimeSpan.FromSeconds(Math.Max(3, seconds / 2))));
        Console.Error.WriteLine($"{db}: {name} done");
    }

    // Password sign-in is deliberately slow (PBKDF2-SHA256, 600,000 iterations): its capacity, not p99 at 500/s.
    list.Add(await LoadRunner.ClosedLoopAsync("sign-in (POST /api/auth/token, PBKDF2 600k)",
        async () => (await anon.PostAsJsonAsync("/api/auth/token", new { email = "admin@bench.test", password = "bench-admin-pw" })).IsSuccessStatusCode,
        2, TimeSpan.FromSeconds(5)));

    await app.StopAsync();
    try
    {
        Directory.Delete(dir, recursive: true);
    }
    catch (IOException)
    {
    }

    return list;
}

static async Task<bool> Ok(HttpClient client, string url)
{
    using var response = await client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseContentRead);
    return response.IsSuccessStatusCode;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
