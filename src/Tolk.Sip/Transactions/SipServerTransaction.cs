using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Transactions;

/// <summary>
/// A server transaction (RFC 3261 §17.2): absorbs request retransmissions by resending the last
/// response, retransmits final responses over UDP (Timer G for INVITE non-2xx; 2xx until the ACK, on
/// the TU's behalf, RFC 3261 §13.3.1.4), and waits for the ACK of an INVITE (Timer H).
/// </summary>
public sealed class SipServerTransaction : SipTransaction
{
    private SipResponse? _lastResponse;
    private TimeSpan _retransmitInterval;
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SipServerTransaction(SipTransactionLayer layer, SipInboundMessage inbound, string key)
        : base(layer, (SipRequest)inbound.Message, inbound.Remote, inbound.ConnectionId, key)
    {
        Inbound = inbound;
        State = IsInvite ? SipTransactionState.Proceeding : SipTransactionState.Trying;
    }

    /// <summary>The request as it arrived, with its transport details (TLS SNI, peer certificate).</summary>
    public SipInboundMessage Inbound { get; }

    public SipResponse? LastResponse => _lastResponse;

    /// <summary>Completes when a CANCEL for this INVITE arrived before its final response (RFC 3261 §9.2).</summary>
    public Task Cancelled => _cancelled.Task;

    /// <summary>Raised when a 2xx to this INVITE was never acknowledged (64·T1): the TU should end the session.</summary>
    public event Action<SipServerTransaction>? AckTimedOut;

    /// <summary>Raised when the ACK of a 2xx arrives (it is its own transaction, RFC 3261 §17.1.1.3).</summary>
    public event Action<SipServerTransaction, SipInboundMessage>? AckReceived;

    public bool HasFinalResponse => _lastResponse is { IsFinal: true };

    /// <summary>Sends a response through the transaction, moving its state machine.</summary>
    public void Respond(SipResponse response)
    {
        lock (Gate)
        {
            if (State is SipTransactionState.Completed or SipTransactionState.Confirmed or SipTransactionState.Terminated or SipTransactionState.Accepted)
            {
                // RFC 3261 §17.2.1: once final, the TU may send no further response through the transaction.
                return;
            }
            _lastResponse = response;
            Send(response);
            if (response.IsProvisional)
            {
                State = SipTransactionState.Proceeding;
                return;
            }
            if (IsInvite)
            {
                OnInviteFinal(response);
            }
            else
            {
                State = SipTransactionState.Completed;
                // Timer J: keep absorbing retransmissions for 64·T1 over UDP.
                StartTimer('J', Reliable ? TimeSpan.Zero : Timers.TransactionTimeout, TerminateLocked);
            }
        }
    }

    private void OnInviteFinal(SipResponse response)
    {
        _retransmitInterval = Timers.T1;
        if (response.IsSuccess)
        {
            // RFC 6026 §7.1 Accepted: retransmissions of the INVITE are absorbed; the 2xx is resent
            // until its ACK arrives (over reliable transports too: the 2xx is end-to-end).
            State = SipTransactionState.Accepted;
            Layer.RegisterPendingAck(this);
            StartTimer('G', _retransmitInterval, Retransmit2xx);
            StartTimer('L', Timers.TransactionTimeout, OnAckTimeout);
            return;
        }
        State = SipTransactionState.Completed;
        if (!Reliable)
        {
            StartTimer('G', _retransmitInterval, RetransmitFinal);
        }
        StartTimer('H', Timers.TransactionTimeout, OnAckTimeout);
    }

    private void Retransmit2xx()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Accepted || _lastResponse is null)
            {
                return;
            }
            Send(_lastResponse);
            _retransmitInterval = Min(_retransmitInterval * 2, Timers.T2);
            StartTimer('G', _retransmitInterval, Retransmit2xx);
        }
    }

    private void RetransmitFinal()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Completed || _lastResponse is null)
            {
                return;
            }
            Send(_lastResponse);
            _retransmitInterval = Min(_retransmitInterval * 2, Timers.T2);
            StartTimer('G', _retransmitInterval, RetransmitFinal);
        }
    }

    private void OnAckTimeout()
    {
        bool wasAccepted;
        lock (Gate)
        {
            wasAccepted = State == SipTransactionState.Accepted;
            TerminateLocked();
        }
        if (wasAccepted)
        {
            AckTimedOut?.Invoke(this);
        }
    }

    private void TerminateLocked()
    {
        lock (Gate)
        {
            Terminate();
        }
    }

    /// <summary>A retransmission of the request arrived (RFC 3261 §17.2.1, §17.2.2).</summary>
    internal void OnRequestRetransmission()
    {
        lock (Gate)
        {
            if (_lastResponse is not null && State is SipTransactionState.Proceeding or SipTransactionState.Completed or SipTransactionState.Trying)
            {
                Send(_lastResponse);
            }
        }
    }

    /// <summary>The ACK for a non-2xx final (same branch) arrived.</summary>
    internal void OnAck()
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Completed)
            {
                return;
            }
            State = SipTransactionState.Confirmed;
            StopTimer('G');
            StopTimer('H');
            // Timer I: absorb further ACK retransmissions for T4 over UDP.
            StartTimer('I', Reliable ? TimeSpan.Zero : Timers.T4, TerminateLocked);
        }
    }

    /// <summary>The ACK for the 2xx arrived (matched by dialog, not branch).</summary>
    internal void On2xxAck(SipInboundMessage ack)
    {
        lock (Gate)
        {
            if (State != SipTransactionState.Accepted)
            {
                return;
            }
            Terminate();
        }
        AckReceived?.Invoke(this, ack);
    }

    /// <summary>CANCEL matched this INVITE: returns whether it was still pending.</summary>
    internal bool OnCancel()
    {
        lock (Gate)
        {
            if (!IsInvite || HasFinalResponse)
            {
                return false;
            }
        }
        _cancelled.TrySetResult();
        return true;
    }

    internal override void OnTransportError(Exception error)
    {
        lock (Gate)
        {
            Terminate();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
