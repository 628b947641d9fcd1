namespace Tolk.Conferencing.Signaling;

/// <summary>Behaviour of the SIP user agent server that answers calls into rooms.</summary>
public sealed record SipServerOptions
{
    /// <summary>Server and User-Agent header value.</summary>
    public string ProductName { get; init; } = "Tolk/0.1";

    /// <summary>Smallest session interval accepted (RFC 4028 §5: at least 90 s).</summary>
    public int MinSessionExpiresSeconds { get; init; } = 90;

    /// <summary>Session interval we ask for when the caller proposes none but supports timers.</summary>
    public int DefaultSessionExpiresSeconds { get; init; } = 1800;

    /// <summary>Option tags we support (Supported / Require handling, RFC 3261 §8.2.2.3).</summary>
    public IReadOnlyList<string> SupportedExtensions { get; init; } = ["timer", "100rel", "replaces", "norefersub"];

    public static IReadOnlyList<string> AllowedMethods { get; } =
        ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "UPDATE", "PRACK", "REFER", "NOTIFY", "INFO"];
}
