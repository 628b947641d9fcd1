using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;

namespace Tolk.Api.Tests;

/// <summary>
/// The tenant-isolation matrix, generated from the host's endpoint list: every endpoint and verb under
/// <c>/api/tenants/{tenantId}</c>, addressed at tenant A's resources with tenant B's token and API key,
/// must answer 404 — so an endpoint added later is covered without editing this test.
/// </summary>
public abstract class IsolationTests(ApiFixture f)
{
    private sealed record Case(string Verb, string Url, string Pattern, bool Streaming);

    private List<Case> Cases()
    {
        var endpoints = f.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var cases = new List<Case>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!;
            if (!pattern.StartsWith(ApiEndpointRouteBuilderExtensions.TenantRoute, StringComparison.Ordinal))
            {
                continue;
            }

            var verbs = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var url = pattern.Replace("{tenantId:guid}", f.TenantA, StringComparison.Ordinal).Replace("{did}", f.DidA, StringComparison.Ordinal)
                .Replace("{caller}", "tel:3225550101", StringComparison.Ordinal);
            if (url.Contains("{id:guid}", StringComparison.Ordinal))
            {
                // The collection is the segment before the id (…/rooms/{id}, …/rooms/{id}/transcript).
                var segments = url.Split('/');
                var collection = segments[Array.IndexOf(segments, "{id:guid}") - 1];
                Assert.True(f.ResourcesA.ContainsKey(collection), $"The fixture has no resource for '{collection}': add one so {pattern} is tested.");
                url = url.Replace("{id:guid}", f.ResourcesA[collection], StringComparison.Ordinal);
            }

            Assert.DoesNotContain("{", url, StringComparison.Ordinal);
            var streaming = endpoint.Metadata.GetMetadata<Tolk.Api.Live.StreamingEndpointAttribute>() is not null;
            cases.AddRange(verbs.Select(v => new Case(v, url, pattern, streaming)));
        }

        return cases;
    }

    [Fact]
    public async Task Tenant_B_gets_404_on_every_endpoint_and_verb_of_tenant_A()
    {
        var cases = Cases();
        Assert.True(cases.Count >= 45, $"only {cases.Count} cases: is the endpoint list complete?");
        Assert.Contains(cases, c => c.Verb == "POST" && c.Pattern.TrimEnd('/').EndsWith("/voices", StringComparison.Ordinal));

        using var byToken = f.Host.Client(f.AdminBToken);
        using var byKey = f.Host.Client(apiKey: f.KeyB);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            foreach (var (client, who) in new[] { (byToken, "token"), (byKey, "api key") })
            {
                // A plausible body, so a 404 cannot come from a binding failure that happened to be skipped.
                var body = c.Verb is "POST" or "PUT" ? new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json") : null;
                var reply = await client.SendAsync(new HttpMethod(c.Verb), c.Url, body);
                if (reply.Status != HttpStatusCode.NotFound)
                {
                    failures.Add($"{who} {c.Verb} {c.Pattern} → {(int)reply.Status}");
                }
            }
        }

        Assert.Empty(failures);

        // The same requests by tenant A's admin reach the resources (the 404s above are not vacuous).
        // Live feeds stream forever: LiveFeedTests shows tenant A receives them.
        using var own = f.AdminA;
        foreach (var c in cases.Where(c => c.Verb == "GET" && !c.Streaming))
        {
            var reply = await own.GetJsonAsync(c.Url);
            Assert.True(reply.Status == HttpStatusCode.OK, $"A GET {c.Pattern} → {(int)reply.Status}");
        }
    }

    [Fact]
    public async Task Tenant_users_cannot_do_admin_actions_and_tenant_admins_cannot_reach_provider_endpoints()
    {
        var t = $"/api/tenants/{f.TenantA}";
        using var user = f.Host.Client(f.UserAToken);
        using var userKey = f.Host.Client(apiKey: f.UserKeyA);
        foreach (var c in new[] { user, userKey })
        {
            Assert.Equal(HttpStatusCode.OK, (await c.GetJsonAsync($"{t}/rooms")).Status);
            Assert.Equal(HttpStatusCode.OK, (await c.GetJsonAsync($"{t}/status")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostJsonAsync($"{t}/rooms", new { name = "x" })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetJsonAsync($"{t}/users")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetJsonAsync($"{t}/api-keys")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.SendAsync(HttpMethod.Delete, $"{t}/rooms/{f.ResourcesA["rooms"]}")).Status);
        }

        using var admin = f.AdminA;
        using var adminKey = f.Host.Client(apiKey: f.KeyA);
        foreach (var c in new[] { admin, adminKey })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostJsonAsync("/api/tenants", new { name = "x", domains = new[] { "x.test" } })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetJsonAsync("/api/tenants")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostJsonAsync("/api/admins", new { email = "x@x.test", password = "long-enough" })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PutJsonAsync(t, new { name = "x", domains = new[] { "a.tenants.test" } })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostJsonAsync($"{t}/numbers", new { did = "+15550000000" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await c.GetJsonAsync($"{t}/users")).Status);
        }

        // Status is the master admin's view into any tenant; a made-up tenant is 404 even for them.
        using var master = f.Master;
        Assert.Equal(HttpStatusCode.OK, (await master.GetJsonAsync($"{t}/status")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await master.GetJsonAsync($"/api/tenants/{Guid.NewGuid()}/status")).Status);
    }
}

[Collection("sqlite")]
public sealed class SqliteIsolationTests(SqliteFixture f) : IsolationTests(f);

[Collection("postgres")]
public sealed class PostgresIsolationTests(PostgresFixture f) : IsolationTests(f);
