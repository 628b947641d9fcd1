namespace Tolk.Media.Mixing;

/// <summary>One participant's speexdsp preprocessor state (16 kHz, 320-sample frames).</summary>
internal sealed class SpeexInputProcessor : IDisposable
{
    private readonly SpeexPreprocessHandle _state;

    public SpeexInputProcessor(InputProcessingOptions options)
    {
        Options = options;
        _state = SpeexDsp.StateInit(MixerFormat.SamplesPerFrame, MixerFormat.SampleRate);
        if (_state.IsInvalid)
        {
            _state.Dispose();
            throw new InvalidOperationException("speex_preprocess_state_init failed.");
        }
        int on = options.NoiseSuppression ? 1 : 0;
        SpeexDsp.Ctl(_state, SpeexDsp.SetDenoise, ref on);
        int suppress = Math.Min(0, options.NoiseSuppressionDb);
        SpeexDsp.Ctl(_state, SpeexDsp.SetNoiseSuppress, ref suppress);
        int agc = options.AutomaticGainControl ? 1 : 0;
        SpeexDsp.Ctl(_state, SpeexDsp.SetAgc, ref agc);
        if (options.AutomaticGainControl)
        {
            float level = Math.Clamp(options.AgcLevel, 1f, 32767f);
            SpeexDsp.Ctl(_state, SpeexDsp.SetAgcLevel, ref level);
            int maxGain = Math.Max(0, options.AgcMaxGainDb);
            SpeexDsp.Ctl(_state, SpeexDsp.SetAgcMaxGain, ref maxGain);
        }
        int off = 0;
        SpeexDsp.Ctl(_state, SpeexDsp.SetVad, ref off); // talk detection is ours
        SpeexDsp.Ctl(_state, SpeexDsp.SetDereverb, ref off);
    }

    public InputProcessingOptions Options { get; }

    /// <summary>Cleans one 320-sample frame in place.</summary>
    public unsafe void Process(Span<short> frame)
    {
        if (frame.Length != MixerFormat.SamplesPerFrame)
        {
            throw new ArgumentException("A frame is 320 samples.", nameof(frame));
        }
        fixed (short* p = frame)
        {
            SpeexDsp.Run(_state, p);
        }
    }

    public void Dispose() => _state.Dispose();
}
