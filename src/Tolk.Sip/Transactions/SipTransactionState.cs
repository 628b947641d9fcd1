namespace Tolk.Sip.Transactions;

/// <summary>States of the transaction machines of RFC 3261 §17 with RFC 6026's Accepted state.</summary>
public enum SipTransactionState
{
    Calling,
    Trying,
    Proceeding,
    Accepted,
    Completed,
    Confirmed,
    Terminated,
}
