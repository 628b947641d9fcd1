namespace Tolk.Sip.Message;

/// <summary>Bounds that keep a hostile peer from making the parser use unbounded memory or time.</summary>
public sealed record SipParserLimits
{
    public static SipParserLimits Default { get; } = new();

    /// <summary>Largest whole message (start line, headers and body) accepted.</summary>
    public int MaxMessageBytes { get; init; } = 65_535;

    /// <summary>Largest header section (start line and headers) accepted.</summary>
    public int MaxHeadBytes { get; init; } = 16_384;

    /// <summary>Most header field lines accepted in one message.</summary>
    public int MaxHeaderCount { get; init; } = 128;
}
