using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Tolk.Media.Rtcp;
using Tolk.Media.Srtp;

namespace Tolk.Media.Rtp;

public sealed partial class RtpSession
{
    private readonly byte[] _rtcpSendBuffer = new byte[512];
    private long _nextReportAt;
    private bool _inactivityRaised;
    private bool _sentSinceReport;
    private uint _lastSentTimestamp;
    private long _lastSentAt;
    private long _octetsSentForSr;

    private void StartHousekeeping()
    {
        _nextReportAt = _time.GetTimestamp() + NextRtcpInterval();
        RtpHousekeeping.For(_time).Add(this);
    }

    private void StopHousekeeping() => RtpHousekeeping.For(_time).Remove(this);

    /// <summary>RFC 3550 §6.3.1: randomise the interval over [0.5, 1.5] × T to avoid synchronised reports (in timestamp units).</summary>
    private long NextRtcpInterval() =>
        (long)(_options.RtcpInterval.TotalSeconds * _time.TimestampFrequency * (0.5 + (RandomNumberGenerator.GetInt32(1000) / 1000.0)));

    /// <summary>Called by the housekeeping pass every 100 ms while the session runs: inactivity, then a report when one is due.</summary>
    internal void Housekeep(long now)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        CheckInactivity();
        if (now >= _nextReportAt)
        {
            _nextReportAt = now + NextRtcpInterval();
            try
            {
                SendReport(bye: null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogReportFailed(ex);
            }
        }
    }

    private void CheckInactivity()
    {
        if (Volatile.Read(ref _disposed) != 0 || _inactivityRaised)
        {
            return;
        }

        var silentFor = _time.GetElapsedTime(Volatile.Read(ref _lastReceived));
        if (silentFor >= _options.InactivityTimeout)
        {
            _inactivityRaised = true;
            LogInactive(silentFor);
            _options.Metrics?.Timeout();
            // The handler ends the call (BYE, billing, teardown) and may wait on I/O: it runs on its own work item,
            // not on the housekeeping pass that serves every other session's reports.
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.RaiseInactivityTimeout(), this, preferLocal: false);
        }
    }

    private void RaiseInactivityTimeout()
    {
        try
        {
            InactivityTimeout?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing subscriber must not take the process down from a thread-pool thread.
            LogHandlerFailed(ex);
        }
    }

    /// <summary>Sends an RTCP BYE (with a receiver/sender report and SDES first, as a compound packet must, RFC 3550 §6.1).</summary>
    public bool SendBye(string? reason = null) => SendReport(reason ?? string.Empty);

    private bool SendReport(string? bye)
    {
        SocketAddress? remote;
        lock (_stateGate)
        {
            remote = _remoteRtcp;
        }

        if (remote is null)
        {
            return false;
        }

        lock (_sendGate)
        {
            var buffer = _rtcpSendBuffer.AsSpan();
            var length = 0;
            Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[1];
            var blockCount = 0;
            lock (_statsGate)
            {
                blockCount = BuildReportBlock(blocks);
            }

            bool ok;
            if (_sentSinceReport)
            {
                // Map "now" to the RTP clock by extrapolating from the last packet sent.
                var rtpNow = _lastSentTimestamp + (uint)(_time.GetElapsedTime(_lastSentAt).TotalSeconds * _options.ClockRate);
                var info = new RtcpSenderInfo(RtcpSenderInfo.ToNtp(_time.GetUtcNow()), rtpNow,
                    (uint)Interlocked.Read(ref _packetsSent), (uint)Interlocked.Read(ref _octetsSentForSr));
                ok = RtcpWriter.TryWriteSenderReport(buffer, LocalSsrc, info, blocks[..blockCount], out length);
                _sentSinceReport = false;
            }
            else
            {
                ok = RtcpWriter.TryWriteReceiverReport(buffer, LocalSsrc, blocks[..blockCount], out length);
            }

            ok &= RtcpWriter.TryWriteSdesCname(buffer[length..], LocalSsrc, _options.Cname, out var sdes);
            length += sdes;
            if (bye is not null)
            {
                ok &= RtcpWriter.TryWriteBye(buffer[length..], [LocalSsrc], bye.Length == 0 ? null : bye, out var byeLength);
                length += byeLength;
            }

            if (!ok)
            {
                return false;
            }

            if (_options.SrtpOutbound is { } srtp && srtp.ProtectRtcp(_rtcpSendBuffer, length, out length) != SrtpResult.Ok)
            {
                Interlocked.Increment(ref _sendErrors);
                return false;
            }

            if (TrySend(_rtcpSocket ?? _rtpSocket, _rtcpSendBuffer.AsSpan(0, length), remote) == SendOutcome.Failed)
            {
                return false;
            }

            Interlocked.Increment(ref _rtcpSent);
            return true;
        }
    }

    private int BuildReportBlock(Span<RtcpReportBlock> blocks)
    {
        var stats = ReceiveStats;
        if (!_ssrcLocked || stats.PacketsReceived == 0)
        {
            return 0;
        }

        stats.TakeIntervalLoss(out var fraction, out var cumulative);
        uint dlsr = 0;
        if (stats.LastSenderReportNtp != 0)
        {
            // DLSR in units of 1/65536 s (RFC 3550 §6.4.1).
            dlsr = (uint)(_time.GetElapsedTime(stats.LastSenderReportArrival).TotalSeconds * 65536);
        }

        blocks[0] = new RtcpReportBlock(_remoteSsrc, fraction, cumulative, stats.ExtendedHighestSequence, stats.Jitter,
            stats.LastSenderReportNtp, dlsr);
        return 1;
    }

    /// <summary>The last reception report the peer sent about our stream (loss and jitter as it sees them).</summary>
    public RtcpReportBlock? RemoteReport { get; private set; }

    /// <summary>
    /// A reception report the peer sent about our stream (raised on the RTCP receive thread): a sender can adapt to
    /// the loss it reports.
    /// </summary>
    public event Action<RtpSession, RtcpReportBlock>? ReportReceived;

    /// <summary>Round-trip time from the peer's last report (RFC 3550 §6.4.1: A - LSR - DLSR), when it echoed one of our SRs.</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    private void OnReportBlocks(RtcpPacket packet)
    {
        for (var i = 0; i < packet.Count; i++)
        {
            if (!packet.TryGetReportBlock(i, out var block) || block.Ssrc != LocalSsrc)
            {
                continue;
            }

            RemoteReport = block;
            ReportReceived?.Invoke(this, block);
            if (block.RoundTripTime((uint)(RtcpSenderInfo.ToNtp(_time.GetUtcNow()) >> 16)) is { } rtt)
            {
                RoundTripTime = rtt;
            }
        }
    }

    private void OnRtcpDatagram(byte[] buffer, int length, SocketAddress from)
    {
        lock (_stateGate)
        {
            var expected = _remoteRtcp is not null && _remoteRtcp.Equals(from);
            if (!expected && (!_options.Latching || _rtcpLatched))
            {
                Interlocked.Increment(ref _unexpectedSource);
                return;
            }
        }

        if (_options.SrtpInbound is { } srtp)
        {
            var result = srtp.UnprotectRtcp(buffer, length, out length);
            if (result != SrtpResult.Ok)
            {
                CountSrtpFailure(result);
                return;
            }
        }

        var data = buffer.AsSpan(0, length);
        if (!RtcpCompoundReader.Validate(data))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (_options.Latching)
        {
            lock (_stateGate)
            {
                if (!_rtcpLatched)
                {
                    _rtcpLatched = true;
                    _remoteRtcp = from.Equals(_remoteRtcp) ? _remoteRtcp : CopyAddress(from);
                }
            }
        }

        var reader = new RtcpCompoundReader(data);
        while (reader.MoveNext())
        {
            var packet = reader.Current;
            if (packet.Type == RtcpPacketType.SenderReport && packet.TryGetSenderInfo(out var info))
            {
                lock (_statsGate)
                {
                    ReceiveStats.OnSenderReport(info.NtpTimestamp, _time.GetTimestamp());
                }
            }

            if (packet.Type is RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport)
            {
                OnReportBlocks(packet);
            }
            else if (packet.Type == RtcpPacketType.Bye)
            {
                var reason = packet.GetByeReason();
                LogBye(reason);
                ByeReceived?.Invoke(this, reason);
            }
        }

        // Counted after processing, so an observer that sees the count also sees its effects.
        Interlocked.Increment(ref _rtcpReceived);
    }

    private static SocketAddress CopyAddress(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
