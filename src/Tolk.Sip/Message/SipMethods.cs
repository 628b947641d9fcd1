namespace Tolk.Sip.Message;

/// <summary>Method names of RFC 3261 and the extensions Tolk speaks. Methods are case-sensitive (RFC 3261 §7.1).</summary>
public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Prack = "PRACK";
    public const string Update = "UPDATE";
    public const string Refer = "REFER";
    public const string Notify = "NOTIFY";
    public const string Subscribe = "SUBSCRIBE";
    public const string Info = "INFO";
    public const string Message = "MESSAGE";

    /// <summary>Returns the interned constant for a known method so comparisons stay cheap.</summary>
    public static string Intern(ReadOnlySpan<char> method) => method switch
    {
        Invite => Invite,
        Ack => Ack,
        Bye => Bye,
        Cancel => Cancel,
        Options => Options,
        Register => Register,
        Prack => Prack,
        Update => Update,
        Refer => Refer,
        Notify => Notify,
        Subscribe => Subscribe,
        Info => Info,
        Message => Message,
        _ => method.ToString(),
    };
}
