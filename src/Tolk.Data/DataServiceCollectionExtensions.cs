using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tolk.Data.Directory;

namespace Tolk.Data;

/// <summary>Registers the management-plane database and the live tenant directory.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="TolkDbContext"/> (SQLite or PostgreSQL per <c>Tolk:Data:Provider</c>), the scoped
    /// <see cref="TenantContext"/>, the singleton <see cref="ITenantDirectory"/> and <see cref="TenantAdminService"/>.
    /// </summary>
    public static IServiceCollection AddTolkData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new TolkDataOptions();
        configuration.GetSection(TolkDataOptions.Section).Bind(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<TenantDirectory>());
        services.AddSingleton<IDataChangeSink>(sp => sp.GetRequiredService<TenantDirectory>());
        services.AddScoped<TenantAdminService>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton(_ => Security.SecretProtector.FromOptions(options));

        if (options.IsPostgres)
        {
            var cs = options.ConnectionString
                ?? throw new InvalidOperationException("Tolk:Data:ConnectionString is required for PostgreSQL.");
            services.AddDbContext<TolkDbContext, PostgresTolkDbContext>(o => Configure(o.UseNpgsql(cs)));
        }
        else
        {
            System.IO.Directory.CreateDirectory(options.Directory);
            var cs = options.ConnectionString
                ?? $"Data Source={Path.Combine(options.Directory, "tolk.db")};Pooling=True";
            services.AddDbContext<TolkDbContext, SqliteTolkDbContext>(o => Configure(o.UseSqlite(cs)));
        }

        return services;
    }

    // Migrations are embedded scripts without a model snapshot; the model check lives in a test instead.
    private static void Configure(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
}
