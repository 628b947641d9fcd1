namespace Tolk.Media.Mixing;

/// <summary>
/// Per-participant energy talk detector: frame RMS against an absolute threshold and an adaptive
/// noise floor, with a higher start than stop threshold (hysteresis) and a hangover.
/// </summary>
/// <remarks>
/// The noise floor is a minimum-statistics estimate (Martin, 2001, simplified): the quietest frame
/// of the last 1–1.5 s. Speech has gaps between syllables, so its minimum sits near the line noise,
/// while steady line noise is learned within one window. The current frame is not part of the
/// estimate, so the first frame of a spurt is judged against the floor before it.
/// </remarks>
internal sealed class TalkDetector(TalkDetectorOptions options)
{
    private const float SilenceDbfs = -96f;
    private const int BlockFrames = 25; // 0.5 s
    private const int Blocks = 2;

    private readonly TalkDetectorOptions _options = options;
    private readonly float[] _blockMins = [float.PositiveInfinity, float.PositiveInfinity];
    private int _blockIndex;
    private int _framesInBlock;
    private float _currentBlockMin = float.PositiveInfinity;
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
        float floor = NoiseFloor();
        if (hasFrame)
        {
            // A missing frame (no packet, DTX) says nothing about the line's noise.
            Track(level);
        }

        if (!IsSpeaking)
        {
            float start = MathF.Max(_options.StartThresholdDbfs, floor + _options.NoiseMarginDb);
            _loudFrames = level >= start ? _loudFrames + 1 : 0;
            if (_loudFrames >= Math.Max(1, _options.AttackFrames))
            {
                IsSpeaking = true;
                _quietFrames = 0;
                return true;
            }
            return false;
        }

        float stop = MathF.Max(_options.StopThresholdDbfs, floor + (_options.NoiseMarginDb * 0.5f));
        _quietFrames = level < stop ? _quietFrames + 1 : 0;
        if (_quietFrames > Math.Max(0, _options.HangoverFrames))
        {
            IsSpeaking = false;
            _loudFrames = 0;
            return true;
        }
        return false;
    }

    private float NoiseFloor()
    {
        float min = _currentBlockMin;
        foreach (float m in _blockMins)
        {
            min = MathF.Min(min, m);
        }
        return float.IsPositiveInfinity(min) ? SilenceDbfs : MathF.Min(min, _options.MaxNoiseFloorDbfs);
    }

    private void Track(float level)
    {
        _currentBlockMin = MathF.Min(_currentBlockMin, level);
        if (++_framesInBlock == BlockFrames)
        {
            _blockMins[_blockIndex] = _currentBlockMin;
            _blockIndex = (_blockIndex + 1) % Blocks;
            _currentBlockMin = float.PositiveInfinity;
            _framesInBlock = 0;
        }
    }
}
