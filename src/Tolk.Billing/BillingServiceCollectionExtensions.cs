using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tolk.Billing;

/// <summary>Registers the usage ledger and rate card.</summary>
public static class BillingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="UsageLedger"/>, its <see cref="UsageRecorder"/> and <see cref="RateCard"/> (needs <c>AddTolkData</c>).</summary>
    public static IServiceCollection AddTolkBilling(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateCard>();
        services.TryAddSingleton<UsageLedger>();
        services.TryAddSingleton<UsageRecorder>();
        return services;
    }
}
