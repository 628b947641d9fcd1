using Microsoft.Extensions.Configuration;

namespace Tolk.Billing;

/// <summary>
/// Prices per unit by plan and kind, from configuration <c>Tolk:Billing:Plans:{plan}:{kind}</c>
/// (decimal, in <c>Tolk:Billing:Currency</c>, default EUR); unknown plans use <c>standard</c>.
/// </summary>
public sealed class RateCard
{
    private static readonly Dictionary<string, decimal> Defaults = new()
    {
        [UsageKinds.CallMinutes] = 0.01m,
        [UsageKinds.AsrSeconds] = 0.0004m,
        [UsageKinds.TranslationCharacters] = 0.00002m,
        [UsageKinds.TtsCharacters] = 0.00003m,
        [UsageKinds.EmotionSeconds] = 0.0001m,
    };

    private readonly IConfiguration _configuration;

    /// <summary>Creates the rate card over configuration.</summary>
    public RateCard(IConfiguration configuration)
    {
        _configuration = configuration;
        Currency = configuration["Tolk:Billing:Currency"] ?? "EUR";
    }

    /// <summary>The currency of all prices.</summary>
    public string Currency { get; }

    /// <summary>Price of one unit of <paramref name="kind"/> on <paramref name="plan"/>.</summary>
    public decimal UnitPrice(string plan, string kind)
    {
        foreach (var p in new[] { plan, "standard" })
        {
            if (_configuration[$"Tolk:Billing:Plans:{p}:{kind}"] is { } text
                && decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var price))
            {
                return price;
            }
        }

        return Defaults.GetValueOrDefault(kind);
    }
}
