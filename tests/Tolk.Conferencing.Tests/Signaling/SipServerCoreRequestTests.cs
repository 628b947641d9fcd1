using Tolk.Sip.Message;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>OPTIONS and the checks every request passes first (RFC 3261 §8.2, §11).</summary>
public sealed class SipServerCoreRequestTests
{
    private readonly SipCoreHarness _h = new();

    [Fact]
    public async Task Options_is_answered_with_our_capabilities()
    {
        var peer = _h.NewPeer();
        var ok = await peer.SendAsync(peer.Build(SipMethods.Options, "sip:5000@demo.tolk.test"));

        Assert.Equal(200, ok.StatusCode);
        var allow = ok.Headers[SipHeaderNames.Allow]!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("INVITE", allow);
        Assert.Contains("REFER", allow);
        Assert.Contains("UPDATE", allow);
        Assert.Contains("application/sdp", ok.Headers[SipHeaderNames.Accept]!, StringComparison.Ordinal);
        Assert.True(ok.HasOptionTag(SipHeaderNames.Supported, "timer"));
        Assert.NotNull(ok.To!.Tag);
    }

    [Fact]
    public async Task An_unknown_method_is_501()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build("FROBNICATE", "sip:5000@demo.tolk.test"));
        Assert.Equal(501, response.StatusCode);
    }

    [Theory]
    [InlineData("SUBSCRIBE")]
    [InlineData("MESSAGE")]
    public async Task A_known_but_unsupported_method_is_405_with_Allow(string method)
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(method, "sip:5000@demo.tolk.test"));
        Assert.Equal(405, response.StatusCode);
        var allow = response.Headers[SipHeaderNames.Allow]!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("INVITE", allow);
        Assert.DoesNotContain(method, allow);
    }

    [Fact]
    public async Task Require_of_an_unknown_extension_is_420_with_Unsupported()
    {
        var peer = _h.NewPeer();
        var invite = peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(), headers: ["Require: timer, x-teleport"]);
        var response = await peer.SendAsync(invite);

        Assert.Equal(420, response.StatusCode);
        Assert.Equal("x-teleport", response.Headers[SipHeaderNames.Unsupported]);
        Assert.Equal(0, _h.Media.Offers);
    }

    [Theory]
    [InlineData("tel:+15551234567")]
    [InlineData("http://demo.tolk.test/5000")]
    public async Task A_Request_URI_of_another_scheme_is_416(string uri)
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Invite, uri, SipTestMessages.AudioOffer()));
        Assert.Equal(416, response.StatusCode);
        Assert.Equal(0, _h.Media.Offers);
    }

    [Fact]
    public async Task A_request_without_Call_ID_is_400()
    {
        var peer = _h.NewPeer();
        var request = peer.Build(SipMethods.Options, "sip:5000@demo.tolk.test", headers: ["Call-ID: none"]);
        Assert.Null(request.CallId);

        await _h.ReceiveAsync(request, peer.EndPoint);

        var response = Assert.Single(_h.Sender.Sent.Select(s => s.Message).OfType<SipResponse>());
        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Call-ID", response.ReasonPhrase, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BYE")]
    [InlineData("PRACK")]
    [InlineData("NOTIFY")]
    [InlineData("UPDATE")]
    public async Task An_in_dialog_method_outside_any_dialog_is_481(string method)
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(method, "sip:5000@demo.tolk.test"));
        Assert.Equal(481, response.StatusCode);
    }

    [Fact]
    public async Task A_request_for_an_unknown_dialog_is_481()
    {
        var peer = _h.NewPeer();
        var response = await peer.SendAsync(peer.Build(SipMethods.Bye, "sip:5000@127.0.0.1:5060", toTag: "no-such-dialog"));
        Assert.Equal(481, response.StatusCode);
    }
}
