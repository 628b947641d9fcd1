namespace Tolk.Api.Auth;

/// <summary>API settings, bound from <c>Tolk:Api</c>.</summary>
public sealed class TolkApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tolk:Api";

    /// <summary>Access-token lifetime in minutes (default 15).</summary>
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>Refresh-token lifetime in days (default 30).</summary>
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>Failed sign-ins before lockout (default 5).</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>Lockout duration in minutes (default 15).</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Largest voice sample accepted, in bytes (default 10 MiB).</summary>
    public long MaxVoiceSampleBytes { get; set; } = 10 * 1024 * 1024;
}
