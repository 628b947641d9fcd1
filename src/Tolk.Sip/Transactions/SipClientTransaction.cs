using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Transactions;

/// <summary>
/// A client transaction (RFC 3261 §17.1): retransmits the request over UDP (Timers A/E), gives up with
/// a synthesised 408 (Timers B/F), acknowledges non-2xx finals of an INVITE itself (§17.1.1.3) and
/// absorbs their retransmissions (Timer D); for other requests waits out Timer K.
/// </summary>
public sealed class SipClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _retransmitInterval;
    private SipRequest? _ack;

    internal SipClientTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint remote, string? connectionId, string key)
        : base(layer, request, remote, connectionId, key)
    {
        State = IsInvite ? SipTransactionState.Calling : SipTransactionState.Trying;
    }

    /// <summary>Completes with the first final response, or a synthesised 408/503 on timeout or transport failure.</summary>
    public Task<SipResponse> FinalResponse => _final.Task;

    /// <summary>Every response that reaches the TU (provisionals, the final, and 2xx retransmissions in Accepted).</summary>
    public event Action<SipClientTransaction, SipResponse>? ResponseReceived;

    internal void Start()
    {
        lock (Gate)
        {
            Send(Request);
            _retransmitInterval = Timers.T1;
            if (!Reliable)
            {
                StartTimer(IsInvite ? 'A' : 'E', _retransmitInterval, Retransmit);
            }
            StartTimer(IsInvite ? 'B' : 'F', Timers.TransactionTimeout, OnTimeout);
        }
    }

    private void Retransmit()
    {
        lock (Gate)
        {
            if (State is not (SipTransactionState.Calling or SipTransactionState.Trying or SipTransactionState.Proceeding))
            {
                return;
            }
            if (IsInvite && State == SipTransactionState.Proceeding)
            {
                return;
            }
            Send(Request);
            // Timer A doubles without bound (B ends it); Timer E doubles up to T2, and is T2 once a
            // provisional arrived (RFC 3261 §17.1.2.2).
            _retransmitInterval = IsInvite
                ? _retransmitInterval * 2
                : State == SipTransactionState.Proceeding ? Timers.T2 : Min(_retransmitInterval * 2, Timers.T2);
            StartTimer(IsInvite ? 'A' : 'E', _retransmitInterval, Retransmit);
        }
    }

    private void OnTimeout()
    {
        lock (Gate)
        {
            // Timer B only ends an INVITE still in Calling (RFC 3261 §17.1.1.2): once it rings, the TU
            // decides how long to wait. Timer F ends a non-INVITE in Trying or Proceeding.
            var expired = IsInvite
                ? State == SipTransactionState.Calling
                : State is SipTransactionState.Trying or SipTransactionState.Proceeding;
            if (!expired)
            {
                return;
            }
            Terminate();
        }
        Deliver(Synthesize(408, "Request Timeout"), final: true);
    }

    internal void OnResponse(SipResponse response)
    {
        var deliver = false;
        var final = false;
        lock (Gate)
        {
            switch (State)
            {
                case SipTransactionState.Calling or SipTransactionState.Trying or SipTransactionState.Proceeding:
                    deliver = true;
                    if (response.IsProvisional)
                    {
                        State = SipTransactionState.Proceeding;
                        if (IsInvite)
                        {
                            StopTimer('A');
                        }
                        else if (!Reliable)
                        {
                            _retransmitInterval = Timers.T2;
                        }
                        break;
                    }
                    final = true;
                    StopTimer('A');
                    StopTimer('B');
                    StopTimer('E');
                    StopTimer('F');
                    if (IsInvite && response.IsSuccess)
                    {
                        // RFC 6026 §8.4: Accepted, so 2xx retransmissions still reach the TU (it resends the ACK).
                        State = SipTransactionState.Accepted;
                        StartTimer('M', Timers.TransactionTimeout, TerminateLocked);
                    }
                    else if (IsInvite)
                    {
                        State = SipTransactionState.Completed;
                        _ack = BuildAck(response);
                        Send(_ack);
                        StartTimer('D', Reliable ? TimeSpan.Zero : Timers.TimerD, TerminateLocked);
                    }
                    else
                    {
                        State = SipTransactionState.Completed;
                        StartTimer('K', Reliable ? TimeSpan.Zero : Timers.T4, TerminateLocked);
                    }
                    break;
                case SipTransactionState.Accepted when response.IsSuccess:
                    deliver = true;
                    break;
                case SipTransactionState.Completed when IsInvite && _ack is not null:
                    Send(_ack);
                    break;
            }
        }
        if (deliver)
        {
            Deliver(response, final);
        }
    }

    private void Deliver(SipResponse response, bool final)
    {
        ResponseReceived?.Invoke(this, response);
        if (final)
        {
            _final.TrySetResult(response);
        }
    }

    private void TerminateLocked()
    {
        lock (Gate)
        {
            Terminate();
        }
    }

    /// <summary>
    /// RFC 3261 §17.1.1.3: the ACK for a non-2xx has the INVITE's Request-URI, Call-ID, From, top Via
    /// (same branch), Route, CSeq number, and the To of the response.
    /// </summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var ack = new SipRequest(SipMethods.Ack, Request.RequestUri.Clone());
        ack.Headers.Add(SipHeaderNames.Via, Request.Headers.GetValues(SipHeaderNames.Via).First());
        foreach (var route in Request.Headers.GetValues(SipHeaderNames.Route))
        {
            ack.Headers.Add(SipHeaderNames.Route, route);
        }
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        ack.Headers.Add(SipHeaderNames.From, Request.Headers[SipHeaderNames.From]!);
        ack.Headers.Add(SipHeaderNames.To, response.Headers[SipHeaderNames.To] ?? Request.Headers[SipHeaderNames.To]!);
        ack.Headers.Add(SipHeaderNames.CallId, Request.CallId!);
        ack.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(Request.CSeq!.Number, SipMethods.Ack).ToString());
        return ack;
    }

    private SipResponse Synthesize(int status, string reason)
    {
        var r = SipResponse.CreateFor(Request, status, reason);
        return r;
    }

    internal override void OnTransportError(Exception error)
    {
        lock (Gate)
        {
            if (State is SipTransactionState.Terminated or SipTransactionState.Completed or SipTransactionState.Accepted)
            {
                return;
            }
            Terminate();
        }
        // RFC 3261 §8.1.3.1: a transport failure is treated as a 503.
        Deliver(Synthesize(503, "Service Unavailable (transport error)"), final: true);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
