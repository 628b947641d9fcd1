using Tolk.Sip.Message;
using static Tolk.Conferencing.Tests.Signaling.SipTestNetwork;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>The extension-to-extension B2BUA of <see cref="Tolk.Conferencing.Signaling.SipServerCore"/>, on an in-memory network.</summary>
public sealed class ExtensionBridgeTests
{
    private const string BobAnswer = "v=0\r\no=bob 2 1 IN IP4 198.51.100.21\r\ns=bob-answer\r\nc=IN IP4 198.51.100.21\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";
    private static readonly Tolk.Sip.Transport.SipEndPoint Alice = Phone(10);
    private static readonly Tolk.Sip.Transport.SipEndPoint Bob1 = Phone(21);
    private static readonly Tolk.Sip.Transport.SipEndPoint Bob2 = Phone(22);

    [Fact]
    public async Task Forks_to_every_contact_first_answer_wins_and_the_other_is_cancelled()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        net.Register("bob", "demo.tolk.test", Bob2);

        var invite = await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");

        var leg1 = Assert.Single(net.RequestsTo(Bob1, SipMethods.Invite));
        var leg2 = Assert.Single(net.RequestsTo(Bob2, SipMethods.Invite));
        // Each leg travels over the flow its contact registered on (RFC 5626), to the registered Contact.
        Assert.Equal("conn-" + Bob1.EndPoint.Port, net.SentTo(Bob1)[0].ConnectionId);
        Assert.Equal("sip:bob@" + Bob1.EndPoint + ";transport=tcp", leg1.RequestUri.ToString());
        Assert.NotEqual(invite.CallId, leg1.CallId);
        Assert.NotEqual(leg1.CallId, leg2.CallId);
        Assert.Equal("sip:alice@demo.tolk.test", leg1.From!.Uri.ToString());
        Assert.Equal("sip:bob@demo.tolk.test", leg1.To!.Uri.ToString());
        Assert.Equal(Body(invite), Body(leg1));
        Assert.Equal(69, leg1.MaxForwards);

        await net.DeliverAsync(Answer(leg2, 180, Bob2, "b2"), Bob2);
        var ringing = Assert.Single(net.ResponsesTo(Alice, 180));
        Assert.Equal(invite.CallId, ringing.CallId);

        await net.DeliverAsync(Answer(leg1, 200, Bob1, "b1", BobAnswer), Bob1);
        var ok = Assert.Single(net.ResponsesTo(Alice, 200));
        Assert.Equal(BobAnswer, Body(ok));
        Assert.Equal(ringing.To!.Tag, ok.To!.Tag);

        // RFC 3261 §16.7 step 10 / §9.1: the ringing leg is cancelled with its INVITE's branch.
        var cancel = Assert.Single(net.RequestsTo(Bob2, SipMethods.Cancel));
        Assert.Equal(leg2.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Equal("1 CANCEL", cancel.Headers[SipHeaderNames.CSeq]);
        Assert.Empty(net.RequestsTo(Bob1, SipMethods.Cancel));

        // The caller's ACK (here with no body) becomes the ACK of bob's 2xx.
        var ack = Ack(invite, ok);
        ack.Headers.Set(SipHeaderNames.Via, $"SIP/2.0/TCP {Alice.EndPoint};branch=z9hG4bK-ack1");
        await net.DeliverAsync(ack, Alice);
        var relayedAck = Assert.Single(net.RequestsTo(Bob1, SipMethods.Ack));
        Assert.Equal(leg1.CallId, relayedAck.CallId);
        Assert.Equal("b1", relayedAck.To!.Tag);
        Assert.Equal("1 ACK", relayedAck.Headers[SipHeaderNames.CSeq]);

        var answered = Assert.Single(net.Events);
        Assert.Equal("answered", answered.Event);
        Assert.Equal(("alice", "bob", leg1.CallId), (answered.Call.Caller, answered.Call.Callee, answered.Call.CalleeCallId));
        Assert.Single(net.Core.ActiveExtensionCalls);
    }

    [Fact]
    public async Task Bye_from_the_caller_hangs_up_the_callee_and_is_reported()
    {
        var (net, invite, ok, leg) = await EstablishedCallAsync();
        var bye = InDialogFromCaller(invite, ok, SipMethods.Bye, 3);
        await net.DeliverAsync(bye, Alice);

        Assert.Single(net.ResponsesTo(Alice, 200), r => r.CSeq!.Method == SipMethods.Bye);
        var relayed = Assert.Single(net.RequestsTo(Bob1, SipMethods.Bye));
        Assert.Equal(leg.CallId, relayed.CallId);
        Assert.Equal("2 BYE", relayed.Headers[SipHeaderNames.CSeq]);
        Assert.Empty(net.Core.ActiveExtensionCalls);
        var ended = net.Events.Last();
        Assert.Equal("ended", ended.Event);
        Assert.Equal("caller hung up", ended.Call.EndReason);
        Assert.NotNull(ended.Call.AnsweredAt);

        // The dialog is gone: a repeated BYE finds nothing.
        await net.DeliverAsync(InDialogFromCaller(invite, ok, SipMethods.Bye, 4), Alice);
        Assert.Single(net.ResponsesTo(Alice, 481));
    }

    [Fact]
    public async Task Hold_by_reinvite_from_the_callee_is_relayed_to_the_caller_and_back()
    {
        var (net, invite, ok, leg) = await EstablishedCallAsync();
        var reinvite = new SipRequest(SipMethods.Invite, SipUri.Parse("sip:alice@192.0.2.1:5060;transport=tcp"));
        reinvite.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/TCP {Bob1.EndPoint};branch=z9hG4bK-hold");
        reinvite.Headers.Add(SipHeaderNames.From, "<sip:bob@demo.tolk.test>;tag=b1");
        reinvite.Headers.Add(SipHeaderNames.To, leg.Headers[SipHeaderNames.From]!);
        reinvite.Headers.Add(SipHeaderNames.CallId, leg.CallId!);
        reinvite.Headers.Add(SipHeaderNames.CSeq, "7 INVITE");
        reinvite.Headers.Add(SipHeaderNames.Contact, $"<sip:bob@{Bob1.EndPoint};transport=tcp>");
        reinvite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        reinvite.Body = System.Text.Encoding.UTF8.GetBytes(BobAnswer + "a=sendonly\r\n");
        var relaying = net.DeliverAsync(reinvite, Bob1);

        var towardsAlice = await EventuallyAsync(() => net.RequestsTo(Alice, SipMethods.Invite).FirstOrDefault(r => r.CallId == invite.CallId && r.To?.Tag == "alice-tag"));
        Assert.EndsWith("a=sendonly\r\n", Body(towardsAlice), StringComparison.Ordinal);
        Assert.Equal(ok.To!.Tag, towardsAlice.From!.Tag);
        await net.DeliverAsync(Answer(towardsAlice, 200, Alice, "alice-tag", "v=0\r\ns=alice-held\r\na=recvonly\r\n"), Alice);
        await relaying;

        // Alice's answer is relayed to bob asynchronously (relays never block the handler).
        var okToBob = await EventuallyAsync(() => net.ResponsesTo(Bob1, 200).SingleOrDefault(r => r.CSeq!.Method == SipMethods.Invite && r.CSeq.Number == 7));
        Assert.Contains("a=recvonly", Body(okToBob), StringComparison.Ordinal);

        // bob's ACK of that 2xx reaches alice as the ACK of her 2xx.
        var ack = Ack(reinvite, okToBob);
        ack.Headers.Set(SipHeaderNames.Via, $"SIP/2.0/TCP {Bob1.EndPoint};branch=z9hG4bK-holdack");
        await net.DeliverAsync(ack, Bob1);
        var ackToAlice = await EventuallyAsync(() => net.RequestsTo(Alice, SipMethods.Ack).SingleOrDefault());
        Assert.Equal(towardsAlice.CSeq!.Number, ackToAlice.CSeq!.Number);
    }

    [Fact]
    public async Task Bye_from_the_callee_hangs_up_the_caller()
    {
        var (net, invite, _, leg) = await EstablishedCallAsync();
        var bye = new SipRequest(SipMethods.Bye, SipUri.Parse("sip:alice@192.0.2.1:5060;transport=tcp"));
        bye.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/TCP {Bob1.EndPoint};branch=z9hG4bK-bobbye");
        bye.Headers.Add(SipHeaderNames.From, "<sip:bob@demo.tolk.test>;tag=b1");
        bye.Headers.Add(SipHeaderNames.To, leg.Headers[SipHeaderNames.From]!);
        bye.Headers.Add(SipHeaderNames.CallId, leg.CallId!);
        bye.Headers.Add(SipHeaderNames.CSeq, "2 BYE");
        await net.DeliverAsync(bye, Bob1);

        Assert.Single(net.ResponsesTo(Bob1, 200), r => r.CSeq!.Method == SipMethods.Bye);
        var toAlice = Assert.Single(net.RequestsTo(Alice, SipMethods.Bye));
        Assert.Equal(invite.CallId, toAlice.CallId);
        Assert.Equal("alice-tag", toAlice.To!.Tag);
        Assert.Equal("callee hung up", net.Events.Last().Call.EndReason);
    }

    [Fact]
    public async Task A_second_answer_is_acknowledged_and_released()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        net.Register("bob", "demo.tolk.test", Bob2);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var leg1 = net.RequestsTo(Bob1, SipMethods.Invite)[0];
        var leg2 = net.RequestsTo(Bob2, SipMethods.Invite)[0];

        await net.DeliverAsync(Answer(leg1, 200, Bob1, "b1", BobAnswer), Bob1);
        await net.DeliverAsync(Answer(leg2, 200, Bob2, "b2", BobAnswer), Bob2);

        // RFC 3261 §16.7 step 5 as a B2BUA: the loser's 2xx is ACKed, then its dialog is closed.
        Assert.Single(net.ResponsesTo(Alice, 200));
        var ack = Assert.Single(net.RequestsTo(Bob2, SipMethods.Ack));
        Assert.Equal("b2", ack.To!.Tag);
        var bye = Assert.Single(net.RequestsTo(Bob2, SipMethods.Bye));
        Assert.Equal(leg2.CallId, bye.CallId);
        Assert.Empty(net.RequestsTo(Bob1, SipMethods.Bye));
    }

    [Fact]
    public async Task A_cancel_before_any_ringing_waits_for_a_provisional_before_cancelling_the_leg()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        var invite = await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var leg = net.RequestsTo(Bob1, SipMethods.Invite)[0];

        await net.DeliverAsync(CancelOf(invite), Alice);
        Assert.Single(net.ResponsesTo(Alice, 200), r => r.CSeq!.Method == SipMethods.Cancel);
        var terminated = await EventuallyAsync(() => net.ResponsesTo(Alice, 487).FirstOrDefault());
        Assert.Equal(invite.CallId, terminated.CallId);
        // RFC 3261 §9.1: no CANCEL until the leg has seen a provisional response.
        Assert.Empty(net.RequestsTo(Bob1, SipMethods.Cancel));

        await net.DeliverAsync(Answer(leg, 180, Bob1, "b1"), Bob1);
        var cancel = Assert.Single(net.RequestsTo(Bob1, SipMethods.Cancel));
        Assert.Equal(leg.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Empty(net.ResponsesTo(Alice, 180));

        // The phone then finishes with 487, which the transaction layer ACKs; nothing reaches alice.
        await net.DeliverAsync(Answer(leg, 487, Bob1, "b1"), Bob1);
        Assert.Single(net.RequestsTo(Bob1, SipMethods.Ack));
        Assert.Single(net.ResponsesTo(Alice, 487));
        // The call's end is reported from the leg's continuation, possibly just after the 487 is handled.
        await EventuallyAsync(() => net.EventsSnapshot().FirstOrDefault(e => e.Event == "ended").Call);
        var ended = Assert.Single(net.EventsSnapshot());
        Assert.Equal(("ended", "caller cancelled", 487), (ended.Event, ended.Call.EndReason, ended.Call.FinalStatus));
        Assert.Null(ended.Call.AnsweredAt);
    }

    [Fact]
    public async Task An_answer_racing_the_cancel_is_acknowledged_and_hung_up()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        var invite = await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var leg = net.RequestsTo(Bob1, SipMethods.Invite)[0];
        await net.DeliverAsync(Answer(leg, 180, Bob1, "b1"), Bob1);
        await net.DeliverAsync(CancelOf(invite), Alice);
        await EventuallyAsync(() => net.RequestsTo(Bob1, SipMethods.Cancel).FirstOrDefault());

        await net.DeliverAsync(Answer(leg, 200, Bob1, "b1", BobAnswer), Bob1);
        Assert.DoesNotContain(net.ResponsesTo(Alice, 200), r => r.CSeq!.Method == SipMethods.Invite);
        Assert.Single(net.RequestsTo(Bob1, SipMethods.Ack));
        Assert.Single(net.RequestsTo(Bob1, SipMethods.Bye));
    }

    [Fact]
    public async Task Ringing_too_long_answers_480_and_cancels_the_leg()
    {
        var net = new SipTestNetwork();
        net.Core.ExtensionRingTimeout = TimeSpan.FromSeconds(20);
        net.Register("bob", "demo.tolk.test", Bob1);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var leg = net.RequestsTo(Bob1, SipMethods.Invite)[0];
        await net.DeliverAsync(Answer(leg, 180, Bob1, "b1"), Bob1);

        net.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(net.ResponsesTo(Alice, 480));
        net.Time.Advance(TimeSpan.FromSeconds(2));
        var noAnswer = Assert.Single(net.ResponsesTo(Alice, 480));
        Assert.Equal("No answer", noAnswer.ReasonPhrase);
        Assert.Single(net.RequestsTo(Bob1, SipMethods.Cancel));
    }

    [Fact]
    public async Task A_decline_beats_busy_across_forks()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        net.Register("bob", "demo.tolk.test", Bob2);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        await net.DeliverAsync(Answer(net.RequestsTo(Bob1, SipMethods.Invite)[0], 486, Bob1, "b1"), Bob1);
        Assert.Empty(net.ResponsesTo(Alice, 486));
        await net.DeliverAsync(Answer(net.RequestsTo(Bob2, SipMethods.Invite)[0], 603, Bob2, "b2", reason: "Decline"), Bob2);
        // RFC 3261 §16.7 step 6: a 6xx is the answer of the callee, whatever the other forks said.
        Assert.Single(net.ResponsesTo(Alice, 603));
        Assert.Empty(net.ResponsesTo(Alice, 486));
    }

    [Fact]
    public async Task A_busy_phone_is_reported_rather_than_an_unreachable_contact()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        net.Register("bob", "demo.tolk.test", Bob2);
        net.FailSendsTo(Bob2);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        await net.DeliverAsync(Answer(net.RequestsTo(Bob1, SipMethods.Invite)[0], 486, Bob1, "b1", reason: "Busy Here"), Bob1);
        Assert.Single(net.ResponsesTo(Alice, 486));
    }

    [Fact]
    public async Task An_unreachable_only_contact_is_temporarily_unavailable()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        net.FailSendsTo(Bob1);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var unavailable = Assert.Single(net.ResponsesTo(Alice, 480));
        Assert.Equal("Unreachable", unavailable.ReasonPhrase);
    }

    [Fact]
    public async Task Bindings_of_the_same_name_in_another_tenant_are_never_reached()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "other.test", Bob1);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        Assert.Single(net.ResponsesTo(Alice, 480));
        Assert.Empty(net.SentTo(Bob1));
    }

    [Fact]
    public async Task A_caller_needs_credentials_of_the_tenant()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test", password: "alice-other-pw");
        Assert.Equal(2, net.ResponsesTo(Alice, 401).Count);
        Assert.Empty(net.SentTo(Bob1));
    }

    private static async Task<(SipTestNetwork Net, SipRequest Invite, SipResponse Ok, SipRequest Leg)> EstablishedCallAsync()
    {
        var net = new SipTestNetwork();
        net.Register("bob", "demo.tolk.test", Bob1);
        var invite = await net.PlaceCallAsync(Alice, "sip:bob@demo.tolk.test");
        var leg = net.RequestsTo(Bob1, SipMethods.Invite)[0];
        await net.DeliverAsync(Answer(leg, 200, Bob1, "b1", BobAnswer), Bob1);
        var ok = net.ResponsesTo(Alice, 200).Single();
        var ack = Ack(invite, ok);
        ack.Headers.Set(SipHeaderNames.Via, $"SIP/2.0/TCP {Alice.EndPoint};branch=z9hG4bK-ack");
        await net.DeliverAsync(ack, Alice);
        Assert.Single(net.RequestsTo(Bob1, SipMethods.Ack));
        return (net, invite, ok, leg);
    }

    private static SipRequest InDialogFromCaller(SipRequest invite, SipResponse ok, string method, uint cseq)
    {
        var request = new SipRequest(method, ok.Contacts[0].Uri.Clone());
        request.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/TCP {Alice.EndPoint};branch={Tolk.Sip.Transactions.SipTransactionLayer.NewBranch()}");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, invite.Headers[SipHeaderNames.From]!);
        request.Headers.Add(SipHeaderNames.To, ok.Headers[SipHeaderNames.To]!);
        request.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        request.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(cseq, method).ToString());
        return request;
    }

    private static SipRequest CancelOf(SipRequest invite)
    {
        var cancel = new SipRequest(SipMethods.Cancel, invite.RequestUri.Clone());
        cancel.Headers.Add(SipHeaderNames.Via, invite.Headers.GetValues(SipHeaderNames.Via).First());
        cancel.Headers.Add(SipHeaderNames.MaxForwards, "70");
        cancel.Headers.Add(SipHeaderNames.From, invite.Headers[SipHeaderNames.From]!);
        cancel.Headers.Add(SipHeaderNames.To, invite.Headers[SipHeaderNames.To]!);
        cancel.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        cancel.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(invite.CSeq!.Number, SipMethods.Cancel).ToString());
        return cancel;
    }
}
