using System.Security.Cryptography;
using Tolk.Conferencing.Tenancy;

namespace Tolk.Server.Hosting;

/// <summary>
/// The built-in demo tenant: domain demo.tolk.test, accounts alice/bob/carol, room 5000 (English and
/// Spanish) open to any caller, room 5001 for the tenant's accounts only. Passwords come from configuration; missing ones are generated and printed once.
/// </summary>
public static class DemoTenant
{
    public static readonly string[] Accounts = ["alice", "bob", "carol"];

    public static void Seed(InMemoryTenantCatalog catalog, TolkServerOptions.DemoSection demo, TextWriter console)
    {
        var tenant = catalog.AddTenant("Demo", demo.Domain);
        foreach (var user in Accounts)
        {
            if (!demo.Passwords.TryGetValue(user, out var password) || string.IsNullOrEmpty(password))
            {
                password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9)).Replace('+', 'x').Replace('/', 'y');
                console.WriteLine($"demo account {user}@{demo.Domain} password: {password}");
            }
            catalog.AddAccount(tenant, user, password);
        }
        catalog.AddRoom(tenant, new RoomInfo(
            Guid.NewGuid(),
            demo.RoomExtension,
            "Demo room",
            Languages: [new RoomLanguage("en"), new RoomLanguage("es")]));
        catalog.AddRoom(tenant, new RoomInfo(
            Guid.NewGuid(),
            demo.PrivateRoomExtension,
            "Demo private room (tenant accounts only)",
            RequireAuthentication: true,
            Languages: [new RoomLanguage("en"), new RoomLanguage("es")]));
    }
}
