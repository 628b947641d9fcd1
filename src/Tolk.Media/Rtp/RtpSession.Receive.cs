using System.Net;
using System.Net.Sockets;
using Tolk.Media.Srtp;

namespace Tolk.Media.Rtp;

public sealed partial class RtpSession
{
    private long _packetsReceived;
    private long _bytesReceived;
    private long _packetsSent;
    private long _bytesSent;
    private long _unexpectedSource;
    private long _wrongSsrc;
    private long _ssrcChanges;
    private long _malformed;
    private long _srtpAuthFailures;
    private long _srtpReplays;
    private long _rtcpReceived;
    private long _rtcpSent;
    private long _sendErrors;

    private bool _ssrcLocked;
    private uint _remoteSsrc;
    private uint _candidateSsrc;
    private int _candidateCount;
    private long _lastReceived;

    // The receive loop updates the statistics while the RTCP timer reads them.
    private readonly Lock _statsGate = new();

    private async Task ReceiveLoopAsync(Socket socket, bool isRtcpSocket)
    {
        // One pinned buffer per loop, reused for every datagram: no allocation per packet.
        var buffer = GC.AllocateArray<byte>(MaxPacket + 64, pinned: true);
        var from = new SocketAddress(socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (token.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
            {
                return; // the socket was closed under a pending receive during disposal
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier send, an oversized datagram, or a transient
                // error: a live call keeps listening.
                LogReceiveFailed(ex.SocketErrorCode);
                continue;
            }

            Dispatch(buffer, length, from, isRtcpSocket);
        }
    }

    private void OnRtpDatagram(byte[] buffer, int length, SocketAddress from)
    {
        bool fromExpected;
        lock (_stateGate)
        {
            fromExpected = _remoteRtp is not null && _remoteRtp.Equals(from);
            if (!fromExpected && (!_options.Latching || _latched))
            {
                Interlocked.Increment(ref _unexpectedSource);
                _options.Metrics?.Dropped("unexpected_source");
                return;
            }
        }

        if (_options.SrtpInbound is { } srtp)
        {
            var result = srtp.UnprotectRtp(buffer, length, out length);
            if (result != SrtpResult.Ok)
            {
                CountSrtpFailure(result);
                return;
            }
        }

        if (!RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet))
        {
            Interlocked.Increment(ref _malformed);
            _options.Metrics?.Dropped("malformed");
            return;
        }

        if (_options.Latching && !Volatile.Read(ref _latched))
        {
            Latch(from, fromExpected);
        }

        if (!AcceptSsrc(packet.Ssrc))
        {
            return;
        }

        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastReceived, now);
        _inactivityRaised = false;
        lock (_statsGate)
        {
            ReceiveStats.Update(packet.SequenceNumber, packet.Timestamp, now);
        }

        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _bytesReceived, packet.Payload.Length);
        _options.Metrics?.Received();
        _handler(this, packet);
    }

    private void Latch(SocketAddress from, bool fromExpected)
    {
        lock (_stateGate)
        {
            if (_latched)
            {
                return;
            }

            _latched = true;
            if (fromExpected)
            {
                return;
            }

            var template = _remoteRtpEndPoint ?? new IPEndPoint(_rtpSocket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            var endPoint = (IPEndPoint)template.Create(from);
            _remoteRtpEndPoint = endPoint;
            _remoteRtp = endPoint.Serialize();
            if (_options.RtcpMux)
            {
                _remoteRtcp = _remoteRtp;
            }
            else if (!_rtcpLatched)
            {
                _remoteRtcp = new IPEndPoint(endPoint.Address, endPoint.Port + 1).Serialize();
            }

            LogLatched(endPoint);
        }
    }

    /// <summary>SSRC lock: the first source wins; a different one is dropped until it persists (the peer restarted).</summary>
    private bool AcceptSsrc(uint ssrc)
    {
        if (!_ssrcLocked)
        {
            _ssrcLocked = true;
            _remoteSsrc = ssrc;
            return true;
        }

        if (ssrc == _remoteSsrc)
        {
            _candidateCount = 0;
            return true;
        }

        if (ssrc == _candidateSsrc)
        {
            _candidateCount++;
        }
        else
        {
            _candidateSsrc = ssrc;
            _candidateCount = 1;
        }

        if (_candidateCount >= _options.SsrcRelockPackets)
        {
            LogSsrcRelock(_remoteSsrc, ssrc);
            _remoteSsrc = ssrc;
            _candidateCount = 0;
            lock (_statsGate)
            {
                ReceiveStats = new RtpReceiveStats(_options.ClockRate, _time.TimestampFrequency);
            }

            Interlocked.Increment(ref _ssrcChanges);
            return true;
        }

        Interlocked.Increment(ref _wrongSsrc);
        _options.Metrics?.Dropped("wrong_ssrc");
        return false;
    }

    private void CountSrtpFailure(SrtpResult result)
    {
        if (result is SrtpResult.Replay or SrtpResult.ReplayTooOld)
        {
            Interlocked.Increment(ref _srtpReplays);
            _options.Metrics?.Dropped("srtp_replay");
        }
        else if (result == SrtpResult.AuthenticationFailed)
        {
            Interlocked.Increment(ref _srtpAuthFailures);
            _options.Metrics?.Dropped("srtp_auth");
        }
        else
        {
            Interlocked.Increment(ref _malformed);
            _options.Metrics?.Dropped("malformed");
        }
    }
}
