using System.CommandLine;
using Tolk.Data;
using Tolk.Data.Security;

namespace Tolk.Server.Cli;

/// <summary>`tolk tenant|user|apikey|db …`: operator verbs on the box, against the server's database.</summary>
internal static class AdminCommands
{
    private static readonly Option<FileInfo?> Config = new("--config") { Description = "JSON configuration file (as for serve)." };
    private static readonly Option<string?> Data = new("--data") { Description = "Data directory (as for serve)." };

    public static IEnumerable<Command> Create()
    {
        yield return Tenant();
        yield return User();
        yield return ApiKey();
        yield return Db();
    }

    private static Command WithCommon(Command c)
    {
        c.Options.Add(Config);
        c.Options.Add(Data);
        return c;
    }

    private static Task<int> Run(ParseResult p, Func<TenantAdminService, CancellationToken, Task<int>> action, CancellationToken ct) =>
        AdminHost.RunAsync(p.GetValue(Config)?.FullName, p.GetValue(Data), action, ct);

    private static Command Tenant()
    {
        var name = new Option<string>("--name") { Description = "Tenant name.", Required = true };
        var domains = new Option<string[]>("--domain") { Description = "SIP domain (repeatable); the first is the digest realm.", Required = true };
        var create = WithCommon(new Command("create", "Create a tenant."));
        create.Options.Add(name);
        create.Options.Add(domains);
        create.SetAction((p, ct) => Run(p, async (admin, token) =>
        {
            var tenant = await admin.CreateTenantAsync(p.GetValue(name)!, p.GetValue(domains)!, token);
            Console.WriteLine($"{tenant.Id}\t{tenant.Name}\t{string.Join(",", tenant.Domains)}");
            return 0;
        }, ct));

        var list = WithCommon(new Command("list", "List tenants."));
        list.SetAction((p, ct) => Run(p, async (admin, token) =>
        {
            foreach (var t in await admin.ListTenantsAsync(token))
            {
                Console.WriteLine($"{t.Id}\t{t.Name}\t{string.Join(",", t.Domains)}\t{t.Status.ToString().ToLowerInvariant()}");
            }
            return 0;
        }, ct));

        var tenant = new Command("tenant", "Manage tenants.");
        tenant.Subcommands.Add(create);
        tenant.Subcommands.Add(list);
        return tenant;
    }

    private static Command User()
    {
        var email = new Option<string>("--email") { Description = "Sign-in e-mail.", Required = true };
        var password = new Option<string?>("--password") { Description = "Password; generated and printed once when omitted." };
        var role = new Option<string>("--role") { Description = "master-admin, tenant-admin or tenant-user.", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant id or domain (not for master-admin)." };
        var create = WithCommon(new Command("create", "Create a user."));
        foreach (var o in new Option[] { email, password, role, tenant })
        {
            create.Options.Add(o);
        }
        create.SetAction((p, ct) => Run(p, async (admin, token) =>
        {
            Guid? tenantId = null;
            if (p.GetValue(tenant) is { } t)
            {
                tenantId = (await admin.FindTenantAsync(t, token))?.Id ?? throw new ArgumentException($"No tenant '{t}'.");
            }
            var pw = p.GetValue(password);
            var generated = string.IsNullOrEmpty(pw);
            if (generated)
            {
                pw = PasswordHasher.Generate();
            }
            var user = await admin.CreateUserAsync(p.GetValue(email)!, pw!, p.GetValue(role)!, tenantId, token);
            Console.WriteLine($"{user.Id}\t{user.Email}\t{user.Role}" + (generated ? $"\tpassword (shown once): {pw}" : ""));
            return 0;
        }, ct));
        var user = new Command("user", "Manage users.");
        user.Subcommands.Add(create);
        return user;
    }

    private static Command ApiKey()
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or domain.", Required = true };
        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var role = new Option<string>("--role") { Description = "tenant-admin (default) or tenant-user.", DefaultValueFactory = _ => "tenant-admin" };
        var create = WithCommon(new Command("create", "Create an API key (printed once; stored hashed)."));
        create.Options.Add(tenant);
        create.Options.Add(name);
        create.Options.Add(role);
        create.SetAction((p, ct) => Run(p, async (admin, token) =>
        {
            var t = await admin.FindTenantAsync(p.GetValue(tenant)!, token) ?? throw new ArgumentException($"No tenant '{p.GetValue(tenant)}'.");
            var key = await admin.CreateApiKeyAsync(t.Id, p.GetValue(name)!, p.GetValue(role)!, token);
            Console.WriteLine($"{key.Id}\t{key.Name}\t{key.Role}\tkey (shown once): {key.Key}");
            return 0;
        }, ct));
        var apikey = new Command("apikey", "Manage API keys.");
        apikey.Subcommands.Add(create);
        return apikey;
    }

    private static Command Db()
    {
        var migrate = WithCommon(new Command("migrate", "Apply pending database migrations."));
        migrate.SetAction((p, ct) => Run(p, (_, _) =>
        {
            Console.WriteLine("database is up to date");
            return Task.FromResult(0);
        }, ct));
        var db = new Command("db", "Database maintenance.");
        db.Subcommands.Add(migrate);
        return db;
    }
}
