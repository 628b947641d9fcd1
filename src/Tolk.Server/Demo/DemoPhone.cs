using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tolk.Media;
using Tolk.Media.Codecs;
using Tolk.Media.Rtp;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Server.Demo;

/// <summary>
/// A minimal SIP phone for the demo, built on Tolk's own stack: it dials over UDP on loopback with one codec,
/// plays 16 kHz PCM in real time and records what it hears (16 kHz). Not a general user agent: no
/// authentication, no re-INVITE, no SRTP.
/// </summary>
internal sealed class DemoPhone : IAsyncDisposable
{
    private readonly SipTransportManager _transport;
    private readonly SipTransactionLayer _transactions;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private readonly string _user;
    private readonly AudioCodecInfo _codec;
    private readonly List<short> _heard = [];
    private readonly Lock _heardGate = new();
    private readonly short[] _decodeBuffer = new short[1920];
    private IAudioDecoder? _decoder;
    private RtpSession? _rtp;
    private SipDialog? _dialog;

    private DemoPhone(string user, AudioCodecInfo codec, SipTransportManager transport)
    {
        _user = user;
        _codec = codec;
        _transport = transport;
        _transactions = new SipTransactionLayer(transport);
        _transactions.RequestReceived = OnRequestAsync;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The phone's SIP user.</summary>
    public string User => _user;

    /// <summary>Opens a phone for <paramref name="user"/> that will offer only <paramref name="codec"/>.</summary>
    public static async Task<DemoPhone> OpenAsync(string user, AudioCodecInfo codec, CancellationToken ct)
    {
        if (codec.StaticPayloadType < 0)
        {
            throw new ArgumentException("The demo phone speaks codecs with a static payload type (PCMU, PCMA, G722).", nameof(codec));
        }
        var options = new SipTransportOptions();
        options.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
        var transport = new SipTransportManager(options);
        await transport.StartAsync(ct);
        return new DemoPhone(user, codec, transport);
    }

    /// <summary>Dials <paramref name="target"/> (e.g. <c>sip:5000@demo.tolk.test</c>) at <paramref name="server"/>; returns the final status.</summary>
    public async Task<int> DialAsync(string target, IPEndPoint server, string domain, CancellationToken ct)
    {
        var local = _transport.BoundEndPoints[0];
        var codecs = new CodecRegistry();
        if (!codecs.TryCreateDecoder(_codec.EncodingName, _codec.ClockRate, out _decoder))
        {
            throw new InvalidOperationException($"{_codec.EncodingName} is not available here.");
        }
        var rtpPort = FreeUdpPort();

        if (!SipUri.TryParse(target, out var requestUri))
        {
            throw new ArgumentException($"Not a SIP URI: {target}", nameof(target));
        }
        var invite = new SipRequest(SipMethods.Invite, requestUri!);
        invite.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/UDP {local.EndPoint};branch={SipTransactionLayer.NewBranch()};rport");
        invite.Headers.Add(SipHeaderNames.MaxForwards, "70");
        invite.Headers.Add(SipHeaderNames.From, $"<sip:{_user}@{domain}>;tag={SipTransactionLayer.NewTag()}");
        invite.Headers.Add(SipHeaderNames.To, $"<{target}>");
        invite.Headers.Add(SipHeaderNames.CallId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "@demo");
        invite.Headers.Add(SipHeaderNames.CSeq, "1 INVITE");
        invite.Headers.Add(SipHeaderNames.Contact, $"<sip:{_user}@{local.EndPoint}>");
        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.Body = Encoding.ASCII.GetBytes(Offer(rtpPort));

        var destination = new SipEndPoint(SipTransportKind.Udp, server);
        var response = await _transactions.SendRequest(invite, destination).FinalResponse.WaitAsync(TimeSpan.FromSeconds(20), ct);
        if (!response.IsSuccess)
        {
            return response.StatusCode;
        }
        _dialog = SipDialog.CreateAsClient(invite, response, destination, null);
        _dialog.Confirm();
        var ack = _dialog.CreateRequest(SipMethods.Ack, local, SipUri.Parse($"sip:{_user}@{local.EndPoint}"));
        ack.Headers.Set(SipHeaderNames.CSeq, "1 ACK");
        await _transactions.SendStatelessAsync(ack, destination, cancellationToken: ct);

        if (!SdpSessionDescription.TryParse(Encoding.ASCII.GetString(response.Body.Span), out var answer, out var error) || answer!.Media.Count == 0)
        {
            throw new InvalidOperationException($"The 200 OK carries no usable SDP: {error}");
        }
        var media = answer.Media[0];
        var address = answer.ConnectionFor(media)?.Address is { } a && IPAddress.TryParse(a, out var ip) ? ip : server.Address;
        _rtp = new RtpSession(new RtpSessionOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, rtpPort),
            RemoteEndPoint = new IPEndPoint(address, media.Port),
            ClockRate = _codec.ClockRate,
        }, OnRtp);
        _rtp.Start();
        return response.StatusCode;
    }

    /// <summary>Sends <paramref name="pcm16k"/> (16 kHz mono) as 20 ms RTP packets in real time.</summary>
    public async Task PlayAsync(short[] pcm16k, CancellationToken ct)
    {
        var rtp = _rtp ?? throw new InvalidOperationException("Not in a call.");
        if (!new CodecRegistry().TryCreateEncoder(_codec.EncodingName, _codec.ClockRate, out var encoder))
        {
            throw new InvalidOperationException($"{_codec.EncodingName} is not available here.");
        }
        using var frames = new AudioFrameEncoder(encoder!);
        var frame = new short[AudioFormat.FrameSamples];
        var payload = new byte[1500];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var offset = 0; offset < pcm16k.Length; offset += frame.Length)
        {
            frame.AsSpan().Clear();
            pcm16k.AsSpan(offset, Math.Min(frame.Length, pcm16k.Length - offset)).CopyTo(frame);
            var length = frames.Encode(frame, payload, out var timestamp);
            if (length > 0)
            {
                rtp.Send((byte)_codec.StaticPayloadType, timestamp, payload.AsSpan(0, length), marker: offset == 0);
            }
            await timer.WaitForNextTickAsync(ct);
        }
    }

    /// <summary>Everything heard so far, 16 kHz mono.</summary>
    public short[] Heard()
    {
        lock (_heardGate)
        {
            return [.. _heard];
        }
    }

    /// <summary>Sends BYE and waits for its answer.</summary>
    public async Task HangUpAsync(CancellationToken ct)
    {
        if (_dialog is not { } dialog)
        {
            return;
        }
        _dialog = null;
        var local = _transport.BoundEndPoints[0];
        var bye = dialog.CreateRequest(SipMethods.Bye, local, SipUri.Parse($"sip:{_user}@{local.EndPoint}"));
        await _transactions.SendRequest(bye, dialog.RemoteEndPoint).FinalResponse.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private string Offer(int port)
    {
        var pt = _codec.StaticPayloadType;
        return "v=0\r\n" +
            $"o={_user} {DateTime.UtcNow.Ticks} 1 IN IP4 127.0.0.1\r\n" +
            "s=Tolk demo\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {port.ToString(CultureInfo.InvariantCulture)} RTP/AVP {pt}\r\n" +
            $"a=rtpmap:{pt} {_codec.EncodingName}/{_codec.ClockRate}\r\na=ptime:20\r\na=sendrecv\r\n";
    }

    private void OnRtp(RtpSession session, RtpPacket packet)
    {
        if (packet.PayloadType != _codec.StaticPayloadType || _decoder is not { } decoder)
        {
            return;
        }
        var n = decoder.Decode(packet.Payload, _decodeBuffer);
        if (n <= 0)
        {
            return;
        }
        var pcm = decoder.Info.SampleRate == AudioFormat.SampleRate
            ? _decodeBuffer.AsSpan(0, n).ToArray()
            : Tolk.Speech.Audio.PcmResampler.Resample(_decodeBuffer.AsSpan(0, n), decoder.Info.SampleRate, AudioFormat.SampleRate);
        lock (_heardGate)
        {
            _heard.AddRange(pcm);
        }
    }

    private ValueTask OnRequestAsync(SipServerTransaction tx)
    {
        // The server may refresh the session or hang up: answer everything in the dialog with 200.
        var ok = SipResponse.CreateFor(tx.Request, tx.Request.Method == SipMethods.Invite ? 488 : 200);
        tx.Respond(ok);
        return ValueTask.CompletedTask;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var message in _transport.Inbound.ReadAllAsync(_stop.Token))
            {
                await _transactions.OnMessageAsync(message);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        if (_rtp is not null)
        {
            await _rtp.DisposeAsync();
        }
        _decoder?.Dispose();
        await _transport.DisposeAsync();
        _stop.Dispose();
    }
}
