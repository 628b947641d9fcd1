namespace Tolk.Media.Mixing;

/// <summary>
/// Per-participant energy talk detector: frame RMS against an absolute threshold and an adaptive
/// noise floor, with a higher start than stop threshold (hysteresis) and a hangover.
/// </summary>
internal sealed class TalkDetector(TalkDetectorOptions options)
{
    private const float SilenceDbfs = -96f;
    // The floor follows quieter frames quickly and louder ones slowly (≈1 dB/s), so speech does
    // not drag it up but a noisier line is learned within seconds.
    private const float FloorFallFactor = 0.25f;
    private const float FloorRiseDbPerFrame = 0.02f;

    private readonly TalkDetectorOptions _options = options;
    private float _noiseFloorDbfs = -70f;
    private int _loudFrames;
    private int _quietFrames;

    public bool IsSpeaking { get; private set; }

    public float LevelDbfs { get; private set; } = SilenceDbfs;

    /// <summary>Ends talking at once (mute); returns true when <see cref="IsSpeaking"/> changed.</summary>
    public bool ForceSilent()
    {
        LevelDbfs = SilenceDbfs;
        _loudFrames = 0;
        if (!IsSpeaking)
        {
            return false;
        }
        IsSpeaking = false;
        return true;
    }

    /// <summary>Feeds one frame's energy (or no frame); returns true when <see cref="IsSpeaking"/> changed.</summary>
    public bool Update(long sumOfSquares, int samples, bool hasFrame)
    {
        float level = SilenceDbfs;
        if (hasFrame && sumOfSquares > 0)
        {
            double meanSquare = (double)sumOfSquares / samples;
            level = (float)(10.0 * Math.Log10(meanSquare / (32768.0 * 32768.0)));
            level = MathF.Max(level, SilenceDbfs);
        }
        LevelDbfs = level;

        if (hasFrame)
        {
            _noiseFloorDbfs = level < _noiseFloorDbfs
                ? _noiseFloorDbfs + ((level - _noiseFloorDbfs) * FloorFallFactor)
                : MathF.Min(level, _noiseFloorDbfs + FloorRiseDbPerFrame);
        }

        if (!IsSpeaking)
        {
            float start = MathF.Max(_options.StartThresholdDbfs, _noiseFloorDbfs + _options.NoiseMarginDb);
            _loudFrames = level >= start ? _loudFrames + 1 : 0;
            if (_loudFrames >= Math.Max(1, _options.AttackFrames))
            {
                IsSpeaking = true;
                _quietFrames = 0;
                return true;
            }
            return false;
        }

        float stop = MathF.Max(_options.StopThresholdDbfs, _noiseFloorDbfs + (_options.NoiseMarginDb * 0.5f));
        _quietFrames = level < stop ? _quietFrames + 1 : 0;
        if (_quietFrames > Math.Max(0, _options.HangoverFrames))
        {
            IsSpeaking = false;
            _loudFrames = 0;
            return true;
        }
        return false;
    }
}
