namespace Tolk.Speech.Local.Vad;

/// <summary>Which voice activity detector the local engines use.</summary>
public enum VadEngine
{
    /// <summary>Silero when its model file loads, else spectral.</summary>
    Auto,

    /// <summary><see cref="SileroVad"/> (falls back to spectral, with a reason, when the model cannot be loaded).</summary>
    Silero,

    /// <summary><see cref="SpectralVad"/>.</summary>
    Spectral,
}

/// <summary>VAD settings of <see cref="LocalSpeechEngines"/> (configuration section <c>Speech:Vad</c>).</summary>
public sealed class VadOptions
{
    /// <summary><c>auto</c> (default), <c>silero</c> or <c>spectral</c>.</summary>
    public VadEngine Engine { get; set; } = VadEngine.Auto;

    /// <summary>The Silero model; relative paths are resolved by <see cref="SileroVad.ResolveModelPath"/>.</summary>
    public string SileroModelPath { get; set; } = SileroVad.DefaultModelPath;

    /// <summary>Settings of the spectral detector, when it is used.</summary>
    public SpectralVadOptions Spectral { get; set; } = new();
}

/// <summary>The detector chosen for a process and why; <see cref="Create"/> makes one per stream.</summary>
public sealed class VadSelection
{
    private readonly string? _sileroModelPath;
    private readonly SpectralVadOptions _spectral;

    private VadSelection(VadEngine engine, string reason, string? sileroModelPath, SpectralVadOptions spectral, bool degraded = false)
    {
        Engine = engine;
        Reason = reason;
        IsDegraded = degraded;
        _sileroModelPath = sileroModelPath;
        _spectral = spectral;
    }

    /// <summary><see cref="VadEngine.Silero"/> or <see cref="VadEngine.Spectral"/> (never <see cref="VadEngine.Auto"/>).</summary>
    public VadEngine Engine { get; }

    /// <summary>One line saying which detector is used and why, for the log.</summary>
    public string Reason { get; }

    /// <summary>
    /// Decides once per process: loads the Silero model unless spectral is asked for (which also warms the shared
    /// session, so the first stream does not pay for it), and falls back to spectral when it cannot be loaded.
    /// </summary>
    public static VadSelection Choose(VadOptions? options = null)
    {
        options ??= new VadOptions();
        var spectral = options.Spectral ?? new SpectralVadOptions();
        if (options.Engine == VadEngine.Spectral)
        {
            return new VadSelection(VadEngine.Spectral, "VAD: spectral (configured)", null, spectral);
        }

        var path = SileroVad.ResolveModelPath(options.SileroModelPath);
        if (SileroVad.TryCreate(path, out var probe, out var whyNot))
        {
            probe!.Dispose();
            var how = options.Engine == VadEngine.Silero ? "configured" : "model found";
            return new VadSelection(VadEngine.Silero, $"VAD: silero ({how}: {path})", path, spectral);
        }

        return options.Engine == VadEngine.Silero
            ? new VadSelection(VadEngine.Spectral, $"VAD: spectral, although silero was configured: {whyNot}", null, spectral, degraded: true)
            : new VadSelection(VadEngine.Spectral, $"VAD: spectral ({whyNot})", null, spectral);
    }

    /// <summary>True when Silero was asked for explicitly but could not be loaded (worth a warning).</summary>
    public bool IsDegraded { get; }

    /// <summary>A new detector for one stream.</summary>
    public IVoiceActivityDetector Create() =>
        Engine == VadEngine.Silero ? new SileroVad(_sileroModelPath) : new SpectralVad(_spectral);
}
