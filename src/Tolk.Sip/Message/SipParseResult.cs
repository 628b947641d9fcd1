namespace Tolk.Sip.Message;

/// <summary>
/// What the parser made of some bytes. <see cref="Message"/> can be set even when <see cref="IsValid"/>
/// is false: the start line and headers were read, so a request can still be answered with
/// <see cref="ErrorStatus"/> (RFC 3261 §8.2, RFC 4475 §3.1.2).
/// </summary>
public sealed record SipParseResult(SipMessage? Message, int ErrorStatus, string? ErrorReason)
{
    public bool IsValid => ErrorStatus == 0 && Message is not null;

    public static SipParseResult Success(SipMessage message) => new(message, 0, null);

    public static SipParseResult Fail(int status, string reason, SipMessage? partial = null) => new(partial, status, reason);
}
