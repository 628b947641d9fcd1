namespace Tolk.Media.Mixing;

/// <summary>
/// Observes a participant's own decoded input before mixing (speech recognition, recording).
/// </summary>
/// <remarks>
/// Called on a mixer thread (one thread per room and tick) once per tick in which the participant's source produced a frame
/// and the participant is not muted. The span is only valid during the call: copy what you keep.
/// Must not block (hand the copy to a bounded channel).
/// </remarks>
public interface IAudioTap
{
    /// <summary>One 20 ms input frame of <paramref name="participant"/>, before gains and mixing.</summary>
    void OnFrame(MixerParticipant participant, ReadOnlySpan<short> frame, long tick);
}
