using Tolk.Media.Rtp;

namespace Tolk.Media.Mixing;

/// <summary>
/// An <see cref="IAudioFrameSource"/> whose audio arrives on an <see cref="RtpSession"/> in
/// <see cref="RtpReceiveMode.Polled"/> mode and that polls it from <see cref="IAudioFrameSource.TryRead"/>.
/// The mixer then receives for a whole chunk of such participants with one system call before reading them.
/// </summary>
public interface IRtpFedSource : IAudioFrameSource
{
    /// <summary>The session <see cref="IAudioFrameSource.TryRead"/> will poll, or null when there is none now.</summary>
    RtpSession? ReceiveSession { get; }
}
