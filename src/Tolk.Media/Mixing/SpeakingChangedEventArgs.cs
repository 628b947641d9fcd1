namespace Tolk.Media.Mixing;

/// <summary>A participant started or stopped talking (raised on the mixer clock thread at the end of the tick: do not block).</summary>
public sealed class SpeakingChangedEventArgs(MixerParticipant participant, bool isSpeaking, long tick) : EventArgs
{
    /// <summary>The participant whose talk state changed.</summary>
    public MixerParticipant Participant { get; } = participant;

    /// <summary>True for SpeakingStarted, false for SpeakingStopped.</summary>
    public bool IsSpeaking { get; } = isSpeaking;

    /// <summary>The clock tick of the frame that changed the state.</summary>
    public long Tick { get; } = tick;
}
