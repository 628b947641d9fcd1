using Tolk.Sip.Message;
using Tolk.Sip.Transactions;
using Tolk.Testing;
using static Tolk.Sip.Tests.Transactions.SipMessages;

namespace Tolk.Sip.Tests.Transactions;

public class SipClientTransactionTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingSender _sender = new();
    private readonly SipTransactionLayer _layer;

    public SipClientTransactionTests() => _layer = new SipTransactionLayer(_sender, _clock);

    [Fact]
    public async Task NonInvite_retransmits_with_Timer_E_capped_at_T2_and_times_out_with_408_after_Timer_F()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bKc1"), UdpPeer);
        var expectedTimes = new[] { 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 };
        var sentAt = new List<double>();
        var last = 1;
        for (var ms = 0; ms < 32_000; ms += 50)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            var count = _sender.Requests(SipMethods.Options).Count;
            if (count > last)
            {
                sentAt.Add((ms + 50) / 1000.0);
                last = count;
            }
        }
        Assert.Equal(expectedTimes, sentAt);
        var final = await tx.FinalResponse;
        Assert.Equal(408, final.StatusCode);
    }

    [Fact]
    public async Task Invite_Timer_A_doubles_until_a_provisional_then_stops()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Invite, branch: "z9hG4bKc2"), UdpPeer);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        _clock.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(3, _sender.Requests(SipMethods.Invite).Count);
        var ringing = SipResponse.CreateFor(tx.Request, 180, null, "remote");
        await _layer.OnMessageAsync(Inbound(ringing));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, _sender.Requests(SipMethods.Invite).Count);
        Assert.Equal(SipTransactionState.Proceeding, tx.State);
    }

    [Fact]
    public async Task Timer_B_does_not_end_an_invite_that_is_ringing()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Invite, branch: "z9hG4bKc7"), UdpPeer);
        await _layer.OnMessageAsync(Inbound(SipResponse.CreateFor(tx.Request, 180, null, "remote")));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.False(tx.FinalResponse.IsCompleted);
        Assert.Equal(SipTransactionState.Proceeding, tx.State);
    }

    [Fact]
    public async Task Timer_B_ends_an_unanswered_invite_with_408()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Invite, branch: "z9hG4bKc8"), UdpPeer);
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task Invite_non2xx_final_is_acknowledged_by_the_transaction_with_the_same_branch()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Invite, branch: "z9hG4bKc3"), UdpPeer);
        var busy = SipResponse.CreateFor(tx.Request, 486, null, "remote");
        await _layer.OnMessageAsync(Inbound(busy));
        var ack = Assert.Single(_sender.Requests(SipMethods.Ack));
        Assert.Equal("z9hG4bKc3", ack.TopVia!.Branch);
        Assert.Equal("remote", ack.To!.Tag);
        Assert.Equal(new SipCSeq(1, SipMethods.Ack), ack.CSeq);
        Assert.Equal(486, (await tx.FinalResponse).StatusCode);

        // A retransmitted 486 is answered with the same ACK (Timer D window), not passed up.
        await _layer.OnMessageAsync(Inbound(busy));
        Assert.Equal(2, _sender.Requests(SipMethods.Ack).Count);
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task Invite_2xx_goes_to_Accepted_and_retransmitted_2xx_still_reach_the_TU()
    {
        var tx = _layer.SendRequest(Request(SipMethods.Invite, branch: "z9hG4bKc4"), UdpPeer);
        var seen = 0;
        tx.ResponseReceived += (_, r) => seen += r.StatusCode == 200 ? 1 : 0;
        var ok = SipResponse.CreateFor(tx.Request, 200, null, "remote");
        await _layer.OnMessageAsync(Inbound(ok));
        await _layer.OnMessageAsync(Inbound(ok));
        Assert.Equal(2, seen);
        Assert.Empty(_sender.Requests(SipMethods.Ack)); // the TU acknowledges a 2xx, not the transaction
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(SipTransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task Transport_failure_is_reported_as_503()
    {
        _sender.Fail = true;
        var tx = _layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bKc5"), TcpPeer);
        Assert.Equal(503, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public void Over_TCP_there_are_no_retransmissions()
    {
        _layer.SendRequest(Request(SipMethods.Options, branch: "z9hG4bKc6"), TcpPeer);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(_sender.Requests(SipMethods.Options));
    }
}
