using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Tolk.Media.Rtp;

public sealed partial class RtpSession
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "RTP latched to {RemoteEndPoint}")]
    private partial void LogLatched(IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "RTP SSRC changed from {OldSsrc:X8} to {NewSsrc:X8}")]
    private partial void LogSsrcRelock(uint oldSsrc, uint newSsrc);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "No RTP received for {SilentFor}")]
    private partial void LogInactive(TimeSpan silentFor);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Debug, Message = "RTP send failed: {Error}")]
    private partial void LogSendFailed(SocketError error);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Debug, Message = "RTP send failed: errno {Errno}")]
    private partial void LogSendErrno(int errno);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Debug, Message = "RTP receive failed: {Error}")]
    private partial void LogReceiveFailed(SocketError error);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Debug, Message = "RTP receive failed: errno {Errno}")]
    private partial void LogReceiveErrno(int errno);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Error, Message = "RTP packet handler failed")]
    private partial void LogHandlerFailed(Exception exception);

    [LoggerMessage(EventId = 3210, Level = LogLevel.Error, Message = "RTCP report failed")]
    private partial void LogReportFailed(Exception exception);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information, Message = "RTCP BYE received: {Reason}")]
    private partial void LogBye(string? reason);
}
