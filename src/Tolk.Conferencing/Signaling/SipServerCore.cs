using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Auth;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;
using Tolk.Sip.Validation;

namespace Tolk.Conferencing.Signaling;

/// <summary>
/// The transaction user of the Tolk host: resolves the tenant of each request, authenticates what
/// needs it, registers accounts, answers calls into rooms and keeps their dialogs (RFC 3261 §8.2,
/// §10.3, §12–§15), session timers (RFC 4028), transfers (RFC 3515) and PRACK (RFC 3262).
/// </summary>
public sealed partial class SipServerCore
{
    private readonly SipTransactionLayer _transactions;
    private readonly ISipMessageSender _sender;
    private readonly ITenantCatalog _tenants;
    private readonly ICallMediaProvider _media;
    private readonly DigestAuthenticator _digest;
    private readonly SipRegistrar _registrar;
    private readonly SipDialogStore _dialogs = new();
    private readonly ConcurrentDictionary<string, CallSession> _calls = new(StringComparer.Ordinal);
    private readonly ICallEventSink? _events;
    private readonly SipServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SipRequestValidator _validator;

    public SipServerCore(
        SipTransactionLayer transactions,
        ISipMessageSender sender,
        ITenantCatalog tenants,
        ICallMediaProvider media,
        DigestAuthenticator digest,
        SipRegistrar registrar,
        SipServerOptions? options = null,
        ICallEventSink? events = null,
        ILogger<SipServerCore>? logger = null)
    {
        _transactions = transactions;
        _sender = sender;
        _tenants = tenants;
        _media = media;
        _digest = digest;
        _registrar = registrar;
        _events = events;
        _options = options ?? new SipServerOptions();
        _time = transactions.Time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _validator = new SipRequestValidator(new SipRequestValidatorOptions
        {
            SupportedOptionTags = new HashSet<string>(_options.SupportedExtensions, StringComparer.OrdinalIgnoreCase),
        });
        transactions.RequestReceived = OnRequestAsync;
    }

    public SipRegistrar Registrar => _registrar;

    /// <summary>Calls in progress (for status, metering and tests).</summary>
    public IReadOnlyCollection<CallSession> ActiveCalls => _calls.Values.ToList();

    private async ValueTask OnRequestAsync(SipServerTransaction tx)
    {
        var request = tx.Request;
        var verdict = CheckRequest(request);
        if (verdict is not null)
        {
            tx.Respond(verdict);
            return;
        }

        if (request.To?.Tag is not null)
        {
            await OnInDialogRequestAsync(tx);
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Options:
                tx.Respond(OptionsResponse(request));
                break;
            case SipMethods.Register:
                OnRegister(tx);
                break;
            case SipMethods.Invite:
                await OnInviteAsync(tx);
                break;
            case SipMethods.Bye or SipMethods.Update or SipMethods.Prack or SipMethods.Refer or SipMethods.Notify or SipMethods.Info:
                // These only make sense inside a dialog (RFC 3261 §12.2.2, RFC 3262 §3).
                tx.Respond(Reply(request, 481, "Call/Transaction Does Not Exist"));
                break;
            default:
                tx.Respond(MethodNotAllowed(request));
                break;
        }
    }

    /// <summary>
    /// RFC 3261 §8.2.1–§8.2.3 checks every UAS makes before processing (mandatory headers, CSeq, URI
    /// scheme, Require, body encoding…). Returns the rejection to send, or null.
    /// </summary>
    private SipResponse? CheckRequest(SipRequest request)
    {
        var verdict = _validator.Validate(request);
        if (verdict is null)
        {
            return null;
        }
        var response = verdict.CreateResponse(request, request.To?.Tag is null ? SipTransactionLayer.NewTag() : null);
        response.Headers.Add(SipHeaderNames.Server, _options.ProductName);
        return response;
    }

    private SipResponse OptionsResponse(SipRequest request)
    {
        // RFC 3261 §11.2: capabilities in Allow, Accept, Accept-Encoding, Accept-Language, Supported.
        var ok = Reply(request, 200);
        ok.Headers.Add(SipHeaderNames.Allow, string.Join(", ", SipServerOptions.AllowedMethods));
        ok.Headers.Add(SipHeaderNames.Accept, "application/sdp, message/sipfrag");
        ok.Headers.Add(SipHeaderNames.AcceptEncoding, "identity");
        ok.Headers.Add(SipHeaderNames.AcceptLanguage, "en");
        ok.Headers.Add(SipHeaderNames.Supported, string.Join(", ", _options.SupportedExtensions));
        return ok;
    }

    private SipResponse MethodNotAllowed(SipRequest request)
    {
        var known = SipServerOptions.AllowedMethods.Contains(request.Method, StringComparer.Ordinal)
            || request.Method is SipMethods.Subscribe or SipMethods.Message;
        var r = Reply(request, known ? 405 : 501);
        r.Headers.Add(SipHeaderNames.Allow, string.Join(", ", SipServerOptions.AllowedMethods));
        return r;
    }

    /// <summary>A response with a fresh To tag (unless the request has one) and our Server header.</summary>
    private SipResponse Reply(SipRequest request, int status, string? reason = null, string? toTag = null)
    {
        var r = SipResponse.CreateFor(request, status, reason, toTag ?? SipTransactionLayer.NewTag());
        r.Headers.Add(SipHeaderNames.Server, _options.ProductName);
        return r;
    }

    /// <summary>
    /// Finds the tenant a request is for: the Request-URI host when it names a domain, else (for a
    /// Request-URI with an IP address) the To domain, then the TLS SNI name.
    /// </summary>
    private TenantInfo? ResolveTenant(SipRequest request, SipInboundMessage inbound)
    {
        var host = request.RequestUri.HostName;
        if (!IPAddress.TryParse(host, out _))
        {
            return _tenants.FindByDomain(host);
        }
        if (request.To?.Uri is { IsSip: true } to && !IPAddress.TryParse(to.HostName, out _))
        {
            return _tenants.FindByDomain(to.HostName);
        }
        return inbound.TlsServerName is { } sni ? _tenants.FindByDomain(sni) : null;
    }

    private SipUri LocalContact(SipInboundMessage inbound, string? user) =>
        ContactUri(_sender.GetLocalEndPoint(inbound.Local.Transport) ?? inbound.Local, user);

    /// <summary>Our Contact: the advertised address of the transport, with transport= for streams.</summary>
    internal static SipUri ContactUri(SipEndPoint local, string? user)
    {
        var host = local.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + local.EndPoint.Address + "]"
            : local.EndPoint.Address.ToString();
        var uri = new SipUri("sip", user, host, local.EndPoint.Port);
        if (local.Transport != SipTransportKind.Udp)
        {
            uri.Parameters.Set("transport", local.Transport.ToViaToken().ToLowerInvariant());
        }
        return uri;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Call {CallId} from {Caller} joined room {Extension} of tenant {Tenant}")]
    private static partial void LogCallStarted(ILogger logger, Guid callId, string caller, string extension, string tenant);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Call {CallId} ended: {Reason}")]
    private static partial void LogCallEnded(ILogger logger, Guid callId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Registered {Aor} ({Count} bindings)")]
    private static partial void LogRegistered(ILogger logger, string aor, int count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Authentication of {User} at {Realm} failed: {Verdict}")]
    private static partial void LogAuthFailed(ILogger logger, string user, string realm, DigestVerdict verdict);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Sending an in-dialog {Method} for call {CallId} failed")]
    private static partial void LogInDialogFailed(ILogger logger, Exception ex, string method, Guid callId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "Media for a cancelled call failed after the CANCEL")]
    private static partial void LogLateMediaFailed(ILogger logger, Exception ex);
}
