using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Transactions;

/// <summary>
/// Matches inbound messages to transactions (RFC 3261 §17.1.3, §17.2.3), creates server transactions
/// for new requests, answers CANCEL (§9.2), and hands requests up to the transaction user.
/// </summary>
public sealed partial class SipTransactionLayer
{
    private readonly ConcurrentDictionary<string, SipServerTransaction> _server = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipClientTransaction> _client = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipServerTransaction> _pendingAcks = new(StringComparer.Ordinal);
    private readonly ISipMessageSender _sender;
    private readonly ILogger _logger;

    public SipTransactionLayer(ISipMessageSender sender, TimeProvider? time = null, ILogger<SipTransactionLayer>? logger = null, SipTimerSettings? timers = null)
    {
        _sender = sender;
        Time = time ?? TimeProvider.System;
        Timers = timers ?? SipTimerSettings.Default;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public TimeProvider Time { get; }

    public SipTimerSettings Timers { get; }

    /// <summary>A new request (not a retransmission, not an ACK, not a CANCEL) for the TU.</summary>
    public Func<SipServerTransaction, ValueTask>? RequestReceived { get; set; }

    /// <summary>An ACK that matches no transaction and no pending 2xx (e.g. after a restart).</summary>
    public Func<SipInboundMessage, ValueTask>? StrayAckReceived { get; set; }

    /// <summary>A response that matches no client transaction (RFC 3261 §17.1.3: passed to the core).</summary>
    public Func<SipInboundMessage, ValueTask>? StrayResponseReceived { get; set; }

    public int ServerTransactionCount => _server.Count;

    public int ClientTransactionCount => _client.Count;

    /// <summary>A new branch id with the RFC 3261 magic cookie.</summary>
    public static string NewBranch() => SipVia.MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>A new random tag for From/To (RFC 3261 §19.3: at least 32 bits of randomness).</summary>
    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Entry point for every message a transport parsed.</summary>
    public async ValueTask OnMessageAsync(SipInboundMessage inbound)
    {
        if (inbound.Message is SipResponse response)
        {
            await OnResponseAsync(response, inbound);
            return;
        }
        var request = (SipRequest)inbound.Message;
        var key = ServerKey(request, request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method);
        if (key is null)
        {
            LogUnmatchable(_logger, request.Method);
            return;
        }

        if (request.Method == SipMethods.Ack)
        {
            if (_server.TryGetValue(key, out var invite))
            {
                invite.OnAck();
                return;
            }
            if (_pendingAcks.TryRemove(AckKey(request), out var accepted))
            {
                accepted.On2xxAck(inbound);
                return;
            }
            if (StrayAckReceived is { } stray)
            {
                await stray(inbound);
            }
            return;
        }

        if (_server.TryGetValue(key, out var existing))
        {
            existing.OnRequestRetransmission();
            return;
        }

        var transaction = new SipServerTransaction(this, inbound, key);
        if (!_server.TryAdd(key, transaction))
        {
            _server[key].OnRequestRetransmission();
            return;
        }

        if (request.Method == SipMethods.Cancel)
        {
            HandleCancel(transaction, request);
            return;
        }

        if (transaction.IsInvite)
        {
            // RFC 3261 §17.2.1: a 100 Trying stops the client's INVITE retransmissions at once.
            transaction.Respond(SipResponse.CreateFor(request, 100));
        }

        if (RequestReceived is { } handler)
        {
            try
            {
                await handler(transaction);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogHandlerFailed(_logger, ex, request.Method);
                if (!transaction.HasFinalResponse)
                {
                    transaction.Respond(SipResponse.CreateFor(request, 500, "Server Internal Error", NewTag()));
                }
            }
        }
        else
        {
            transaction.Respond(SipResponse.CreateFor(request, 501, null, NewTag()));
        }
    }

    private void HandleCancel(SipServerTransaction cancel, SipRequest request)
    {
        // RFC 3261 §9.2: the CANCEL matches the INVITE transaction with the same branch.
        var inviteKey = ServerKey(request, SipMethods.Invite);
        if (inviteKey is not null && _server.TryGetValue(inviteKey, out var invite) && invite.OnCancel())
        {
            cancel.Respond(SipResponse.CreateFor(request, 200));
            return;
        }
        cancel.Respond(SipResponse.CreateFor(request, 481, "Call/Transaction Does Not Exist", NewTag()));
    }

    private async ValueTask OnResponseAsync(SipResponse response, SipInboundMessage inbound)
    {
        var via = response.TopVia;
        var cseq = response.CSeq;
        if (via?.Branch is { } branch && cseq is not null && _client.TryGetValue(ClientKey(branch, cseq.Method), out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }
        if (StrayResponseReceived is { } stray)
        {
            await stray(inbound);
        }
    }

    /// <summary>
    /// Starts a client transaction for <paramref name="request"/>, which must already carry its top Via
    /// with a fresh branch (see <see cref="NewBranch"/>).
    /// </summary>
    public SipClientTransaction SendRequest(SipRequest request, SipEndPoint destination, string? connectionId = null)
    {
        var branch = request.TopVia?.Branch ?? throw new ArgumentException("The request needs a top Via with a branch.", nameof(request));
        if (request.Method == SipMethods.Ack)
        {
            throw new ArgumentException("ACK for a 2xx is sent with SendStatelessAsync, not in a transaction.", nameof(request));
        }
        var key = ClientKey(branch, request.Method);
        var transaction = new SipClientTransaction(this, request, destination, connectionId, key);
        if (!_client.TryAdd(key, transaction))
        {
            throw new InvalidOperationException($"A client transaction with branch {branch} already exists.");
        }
        transaction.Start();
        return transaction;
    }

    /// <summary>Sends a message outside any transaction (the ACK for a 2xx, RFC 3261 §13.2.2.4).</summary>
    public ValueTask SendStatelessAsync(SipMessage message, SipEndPoint destination, string? connectionId = null, CancellationToken cancellationToken = default) =>
        _sender.SendAsync(message, destination, connectionId, cancellationToken);

    internal void RegisterPendingAck(SipServerTransaction transaction) => _pendingAcks[AckKey(transaction.Request)] = transaction;

    internal void Remove(SipTransaction transaction)
    {
        switch (transaction)
        {
            case SipServerTransaction s:
                _server.TryRemove(new KeyValuePair<string, SipServerTransaction>(s.Key, s));
                _pendingAcks.TryRemove(new KeyValuePair<string, SipServerTransaction>(AckKey(s.Request), s));
                break;
            case SipClientTransaction c:
                _client.TryRemove(new KeyValuePair<string, SipClientTransaction>(c.Key, c));
                break;
        }
    }

    internal void OnTimerFailed(SipTransaction transaction, char timer, Exception error) =>
        LogTimerFailed(_logger, error, timer, transaction.Request.Method, transaction.Key);

    internal void SendInBackground(SipMessage message, SipEndPoint remote, string? connectionId, SipTransaction owner)
    {
        ValueTask pending;
        try
        {
            pending = _sender.SendAsync(message, remote, connectionId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSendFailed(_logger, ex, remote.ToString());
            owner.OnTransportError(ex);
            return;
        }
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }
        _ = ObserveAsync(pending, remote, owner);
    }

    private async Task ObserveAsync(ValueTask pending, SipEndPoint remote, SipTransaction owner)
    {
        try
        {
            await pending;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSendFailed(_logger, ex, remote.ToString());
            owner.OnTransportError(ex);
        }
    }

    /// <summary>
    /// RFC 3261 §17.2.3: branch + sent-by + method when the branch has the magic cookie; otherwise the
    /// RFC 2543 rule (Request-URI, tags, Call-ID, CSeq, top Via).
    /// </summary>
    private static string? ServerKey(SipRequest request, string method)
    {
        var via = request.TopVia;
        if (via is null)
        {
            return null;
        }
        var sentBy = via.Host.ToLowerInvariant() + ":" + (via.Port ?? 0).ToString(CultureInfo.InvariantCulture);
        if (via.IsRfc3261Branch)
        {
            return string.Concat(via.Branch, "|", sentBy, "|", method);
        }
        var cseq = request.CSeq;
        var toTag = request.Method == SipMethods.Ack ? "" : request.To?.Tag;
        return string.Join('|', "2543", request.RequestUri.ToString(), toTag, request.From?.Tag, request.CallId, cseq?.Number.ToString(CultureInfo.InvariantCulture), via.ToString(), method);
    }

    private static string ClientKey(string branch, string method) => branch + "|" + method;

    private static string AckKey(SipRequest request) =>
        string.Concat(request.CallId, "|", request.CSeq?.Number.ToString(CultureInfo.InvariantCulture), "|", request.From?.Tag);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Dropped a {Method} request without a usable Via")]
    private static partial void LogUnmatchable(ILogger logger, string method);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "The handler for a {Method} request failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string method);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Timer {Timer} of the {Method} transaction {Key} failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception ex, char timer, string method, string key);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Sending to {Remote} failed")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, string remote);
}
