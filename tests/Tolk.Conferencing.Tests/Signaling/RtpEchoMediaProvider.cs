using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// A loop-back media leg: every RTP packet a caller sends comes straight back to it. It proves a call
/// is real end to end (signalling, SDP, RTP both ways) where no conference media is wired, and serves
/// as an operator's echo test extension. Plain RTP only: echoing SRTP would replay the caller's keys.
/// </summary>
internal sealed class RtpEchoMediaProvider : ICallMediaProvider
{
    public async ValueTask<MediaOfferResult> AcceptOfferAsync(CallSession call, SdpSessionDescription offer, CancellationToken cancellationToken)
    {
        var socket = new Socket(call.MediaAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(call.MediaAddress, 0));
            var media = new RtpEchoMedia(socket, new SdpLocalSession());
            var result = media.Negotiate(offer);
            if (!result.IsAccepted)
            {
                await media.DisposeAsync();
            }
            return result;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RtpEchoMedia(Socket socket, SdpLocalSession session) : ICallMedia
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;

        public SdpSessionDescription LocalDescription { get; private set; } = new();

        public event Action<ICallMedia, string>? Failed;

        public MediaOfferResult Negotiate(SdpSessionDescription offer)
        {
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var policy = new SdpMediaPolicy
            {
                LocalAddress = local.Address,
                LocalRtpPort = local.Port,
                Srtp = SrtpPolicy.Forbidden,
                RtcpMux = true,
            };
            var result = SdpAnswerer.Answer(offer, policy, session);
            if (!result.IsAccepted)
            {
                return MediaOfferResult.Reject(result.StatusCode, result.Detail ?? result.ReasonPhrase);
            }
            LocalDescription = result.Answer!;
            return MediaOfferResult.Accept(result.Answer!, this);
        }

        public ValueTask<MediaOfferResult> UpdateAsync(SdpSessionDescription offer, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Negotiate(offer));

        public void Start() => _loop ??= Task.Run(EchoAsync);

        private async Task EchoAsync()
        {
            var buffer = new byte[2048];
            EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                    await socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException ex) when (!_stop.IsCancellationRequested)
            {
                Failed?.Invoke(this, "RTP socket error: " + ex.SocketErrorCode);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            socket.Dispose();
            if (_loop is not null)
            {
                await _loop;
            }
            _stop.Dispose();
        }
    }
}
