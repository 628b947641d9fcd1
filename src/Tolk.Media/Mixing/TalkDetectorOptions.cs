namespace Tolk.Media.Mixing;

/// <summary>Energy-based talk detection settings (hysteresis + hangover), per room.</summary>
public sealed record TalkDetectorOptions
{
    /// <summary>Absolute level a frame must reach to start talking (dBFS, RMS).</summary>
    public float StartThresholdDbfs { get; init; } = -42f;

    /// <summary>Absolute level under which a frame counts as quiet while talking (dBFS, RMS). Lower than start: hysteresis.</summary>
    public float StopThresholdDbfs { get; init; } = -50f;

    /// <summary>To start, a frame must also be this many dB above the tracked noise floor.</summary>
    public float NoiseMarginDb { get; init; } = 10f;

    /// <summary>
    /// Cap of the tracked noise floor (dBFS): anything steadier and louder than this (music on hold, a
    /// test tone) is treated as signal, not as line noise to be learned.
    /// </summary>
    public float MaxNoiseFloorDbfs { get; init; } = -35f;

    /// <summary>Consecutive loud frames needed to start (1 = the first 20 ms frame is already mixed).</summary>
    public int AttackFrames { get; init; } = 1;

    /// <summary>Consecutive quiet frames before talking stops (15 = 300 ms): bridges pauses between words.</summary>
    public int HangoverFrames { get; init; } = 15;
}
