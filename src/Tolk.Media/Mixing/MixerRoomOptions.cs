namespace Tolk.Media.Mixing;

/// <summary>Per-room mixer settings.</summary>
public sealed record MixerRoomOptions
{
    /// <summary>Mix a short rising cue when someone joins and a falling one when someone leaves.</summary>
    public bool JoinLeaveTones { get; init; } = true;

    /// <summary>
    /// Sum only participants the talk detector considers speaking (saves CPU, keeps idle lines' noise
    /// out of the mix). When false every participant that produced a frame is summed.
    /// </summary>
    public bool GateOnTalkDetection { get; init; } = true;

    /// <summary>
    /// At most this many talkers are summed (0 = every one): the loudest, a talker already heard keeping its place
    /// against a newcomer less than <see cref="TalkerStickinessDb"/> louder. Everyone else hears the same mix of those
    /// few, so one encode serves them, and a room where everyone talks at once stays intelligible. Talkers left out
    /// still count as speaking (floor, transcripts) and are still translated.
    /// </summary>
    public int MaxMixedTalkers { get; init; }

    /// <summary>How much louder (smoothed, dB) a newcomer must be to take a mixed talker's place.</summary>
    public float TalkerStickinessDb { get; init; } = 6f;

    /// <summary>Talk detection thresholds used for every participant of the room.</summary>
    public TalkDetectorOptions TalkDetection { get; init; } = new();

    /// <summary>
    /// After this many consecutive ticks in which no source produced audio and nobody is speaking,
    /// the room goes dormant: it costs one flag check per tick until a source calls
    /// <see cref="MixerParticipant.NotifyInputAvailable"/> (or <see cref="MixerRoom.Wake"/>).
    /// </summary>
    public int IdleAfterTicks { get; init; } = 50;
}
