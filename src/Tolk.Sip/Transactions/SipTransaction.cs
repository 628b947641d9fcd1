using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Transactions;

/// <summary>
/// What client and server transactions share: the request that started them, the peer, the state,
/// and the timers, which are all created from the layer's <see cref="TimeProvider"/> so that tests can
/// drive every timer of RFC 3261 §17 on a manual clock.
/// </summary>
public abstract class SipTransaction
{
    private readonly Dictionary<char, ITimer> _timers = [];

    private protected SipTransaction(SipTransactionLayer layer, SipRequest request, SipEndPoint remote, string? connectionId, string key)
    {
        Layer = layer;
        Request = request;
        Remote = remote;
        ConnectionId = connectionId;
        Key = key;
    }

    internal SipTransactionLayer Layer { get; }

    /// <summary>Guards the state machine; timer callbacks and inbound messages race otherwise.</summary>
    private protected Lock Gate { get; } = new();

    public SipRequest Request { get; }

    public SipEndPoint Remote { get; }

    /// <summary>The connection a stream-transport request arrived on, so replies reuse it.</summary>
    public string? ConnectionId { get; }

    /// <summary>The matching key (RFC 3261 §17.1.3 / §17.2.3).</summary>
    public string Key { get; }

    public SipTransactionState State { get; private protected set; }

    public bool IsInvite => Request.Method == SipMethods.Invite;

    private protected bool Reliable => Remote.IsReliable;

    private protected SipTimerSettings Timers => Layer.Timers;

    /// <summary>Completes when the transaction reaches Terminated.</summary>
    public Task Terminated => _terminated.Task;

    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private protected void StartTimer(char name, TimeSpan due, Action onFire)
    {
        StopTimer(name);
        _timers[name] = Layer.Time.CreateTimer(_ => FireSafely(name, onFire), null, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// An exception escaping a timer callback would end the process; a failing transaction user must
    /// cost only its own transaction.
    /// </summary>
    private void FireSafely(char name, Action onFire)
    {
        try
        {
            onFire();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Layer.OnTimerFailed(this, name, ex);
        }
    }

    private protected void StopTimer(char name)
    {
        if (_timers.Remove(name, out var t))
        {
            t.Dispose();
        }
    }

    private protected void Terminate()
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }
        State = SipTransactionState.Terminated;
        foreach (var t in _timers.Values)
        {
            t.Dispose();
        }
        _timers.Clear();
        Layer.Remove(this);
        _terminated.TrySetResult();
    }

    private protected void Send(SipMessage message) => Layer.SendInBackground(message, Remote, ConnectionId, this);

    /// <summary>Called by the layer when a send failed (RFC 3261 §17.1.4, §17.2.4).</summary>
    internal abstract void OnTransportError(Exception error);
}
