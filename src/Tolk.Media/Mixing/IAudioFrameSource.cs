namespace Tolk.Media.Mixing;

/// <summary>
/// A pull source of 16 kHz mono 16-bit PCM: every 20 ms tick the mixer asks it for one frame of
/// exactly 320 samples (e.g. a participant's jitter buffer + decoder, or a TTS stream).
/// </summary>
/// <remarks>
/// Called from a mixer worker thread (participants' sources in parallel, one call per source at a
/// time); must not block. Returning <see langword="false"/> means
/// "nothing this tick" (no packet, DTX, end of stream); the frame contents are then ignored.
/// Prefer false over frames of generated silence: a room whose sources all return false for a while
/// goes dormant and costs nothing until one calls <see cref="MixerParticipant.NotifyInputAvailable"/>.
/// </remarks>
public interface IAudioFrameSource
{
    /// <summary>Fills <paramref name="frame"/> (320 samples) and returns true, or returns false when there is no audio.</summary>
    bool TryRead(Span<short> frame);
}
