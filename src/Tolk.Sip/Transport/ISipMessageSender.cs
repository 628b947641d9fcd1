using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>Sends a message to a remote endpoint over the named transport.</summary>
public interface ISipMessageSender
{
    /// <summary>
    /// Sends <paramref name="message"/>. For stream transports an existing connection to the endpoint
    /// (or <paramref name="connectionId"/> when given) is reused, else one is opened. Failures are
    /// reported as exceptions (<see cref="SipTransportException"/>), never silently dropped.
    /// </summary>
    ValueTask SendAsync(SipMessage message, SipEndPoint remote, string? connectionId = null, CancellationToken cancellationToken = default);

    /// <summary>The address and port this host advertises in Via/Contact for the given transport.</summary>
    SipEndPoint? GetLocalEndPoint(SipTransportKind transport);
}

/// <summary>A transport could not deliver a message (RFC 3261 §17.1.4: reported to the transaction user).</summary>
public sealed class SipTransportException : Exception
{
    public SipTransportException()
    {
    }

    public SipTransportException(string message)
        : base(message)
    {
    }

    public SipTransportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
