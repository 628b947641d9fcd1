using Tolk.Sip.Message;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;
using Tolk.Testing;
using static Tolk.Sip.Tests.Transactions.SipMessages;

namespace Tolk.Sip.Tests.Transactions;

public class SipServerTransactionTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSender _sender = new();
    private readonly SipTransactionLayer _layer;
    private readonly List<SipServerTransaction> _received = [];

    public SipServerTransactionTests()
    {
        _layer = new SipTransactionLayer(_sender, _clock);
        _layer.RequestReceived = t =>
        {
            _received.Add(t);
            return ValueTask.CompletedTask;
        };
    }

    [Fact]
    public async Task Invite_gets_100_Trying_at_once_and_reaches_the_TU_once()
    {
        var invite = Request(SipMethods.Invite);
        await _layer.OnMessageAsync(Inbound(invite));
        await _layer.OnMessageAsync(Inbound(invite));

        Assert.Single(_received);
        Assert.Equal(2, _sender.Responses(100).Count); // the retransmission is answered with the last response
    }

    [Fact]
    public async Task Invite_non2xx_final_is_retransmitted_by_Timer_G_until_ACK()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Invite)));
        var tx = Assert.Single(_received);
        tx.Respond(SipResponse.CreateFor(tx.Request, 486, null, "abc"));
        Assert.Single(_sender.Responses(486));

        // Timer G: T1, 2·T1, 4·T1, then capped at T2 (RFC 3261 §17.2.1).
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, _sender.Responses(486).Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(3, _sender.Responses(486).Count);
        _clock.Advance(TimeSpan.FromMilliseconds(2000));
        Assert.Equal(4, _sender.Responses(486).Count);
        _clock.Advance(TimeSpan.FromMilliseconds(4000));
        Assert.Equal(5, _sender.Responses(486).Count);
        _clock.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.Equal(5, _sender.Responses(486).Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(6, _sender.Responses(486).Count);

        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Ack, toTag: "abc")));
        Assert.Equal(SipTransactionState.Confirmed, tx.State);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(6, _sender.Responses(486).Count);
        Assert.Equal(SipTransactionState.Terminated, tx.State); // Timer I (T4) ended it
        Assert.Equal(0, _layer.ServerTransactionCount);
    }

    [Fact]
    public async Task Invite_without_ACK_terminates_after_Timer_H()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Invite)));
        var tx = Assert.Single(_received);
        tx.Respond(SipResponse.CreateFor(tx.Request, 404, null, "abc"));
        _clock.Advance(TimeSpan.FromSeconds(31.9));
        Assert.Equal(SipTransactionState.Completed, tx.State);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task Invite_2xx_is_retransmitted_until_its_ACK_with_another_branch()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Invite)));
        var tx = Assert.Single(_received);
        SipInboundMessage? ack = null;
        tx.AckReceived += (_, a) => ack = a;
        tx.Respond(SipResponse.CreateFor(tx.Request, 200, null, "abc"));
        _clock.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(3, _sender.Responses(200).Count);

        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Ack, branch: "z9hG4bKackbranch", toTag: "abc")));
        Assert.NotNull(ack);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, _sender.Responses(200).Count);
    }

    [Fact]
    public async Task Invite_2xx_never_acknowledged_raises_AckTimedOut()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Invite)));
        var tx = Assert.Single(_received);
        var timedOut = false;
        tx.AckTimedOut += _ => timedOut = true;
        tx.Respond(SipResponse.CreateFor(tx.Request, 200, null, "abc"));
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.True(timedOut);
    }

    [Fact]
    public async Task Cancel_of_a_pending_invite_gets_200_and_signals_the_TU()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Invite)));
        var tx = Assert.Single(_received);
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Cancel)));
        Assert.True(tx.Cancelled.IsCompleted);
        var ok = Assert.Single(_sender.Responses(200));
        Assert.Equal(SipMethods.Cancel, ok.CSeq!.Method);
    }

    [Fact]
    public async Task Cancel_matching_nothing_gets_481()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Cancel, branch: "z9hG4bKnothing")));
        Assert.Single(_sender.Responses(481));
        Assert.Empty(_received);
    }

    [Fact]
    public async Task NonInvite_final_is_resent_on_retransmission_and_Timer_J_ends_it()
    {
        var options = Request(SipMethods.Options);
        await _layer.OnMessageAsync(Inbound(options));
        var tx = Assert.Single(_received);
        tx.Respond(SipResponse.CreateFor(tx.Request, 200, null, "t"));
        await _layer.OnMessageAsync(Inbound(options));
        Assert.Equal(2, _sender.Responses(200).Count);
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task NonInvite_over_TCP_terminates_at_once_after_the_final()
    {
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Options), TcpPeer));
        var tx = Assert.Single(_received);
        tx.Respond(SipResponse.CreateFor(tx.Request, 200, null, "t"));
        _clock.Advance(TimeSpan.Zero);
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task A_failing_handler_yields_500_not_silence()
    {
        _layer.RequestReceived = _ => throw new InvalidOperationException("boom");
        await _layer.OnMessageAsync(Inbound(Request(SipMethods.Options)));
        Assert.Single(_sender.Responses(500));
    }
}
