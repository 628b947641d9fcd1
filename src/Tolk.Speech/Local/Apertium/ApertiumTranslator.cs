using System.Collections.Concurrent;

namespace Tolk.Speech.Local.Apertium;

/// <summary>Settings of <see cref="ApertiumTranslator"/>.</summary>
public sealed class ApertiumOptions
{
    /// <summary>Directory holding <c>*.mode</c> files.</summary>
    public string ModesDirectory { get; set; } = ApertiumModes.DefaultDirectory;

    /// <summary>
    /// How long a pipeline may owe answers without producing any output before it is judged hung, killed and
    /// restarted (its waiting requests fail). Callers stop waiting sooner under their own timeouts; that alone
    /// never restarts the pipeline.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Rule-based translation with Apertium, one resident null-flush pipeline per direct pair (started on first use),
/// pivoting through Spanish (or another shared language) where no direct pair is installed.
/// </summary>
public sealed class ApertiumTranslator : ITranslator, IDisposable
{
    private readonly ApertiumOptions _options;
    private readonly ApertiumModes _modes;
    private readonly ConcurrentDictionary<(string, string), Lazy<ApertiumProcess>> _processes = new();

    /// <summary>Creates the translator and scans the installed modes.</summary>
    public ApertiumTranslator(ApertiumOptions? options = null)
    {
        _options = options ?? new ApertiumOptions();
        _modes = new ApertiumModes(_options.ModesDirectory);
        Capabilities = new TranslatorCapabilities(_modes.ReachablePairs(), Pivoting: true);
    }

    /// <inheritdoc />
    public string Name => "apertium";

    /// <inheritdoc />
    public TranslatorCapabilities Capabilities { get; }

    /// <summary>Pipelines restarted after a failure (for health reporting).</summary>
    public int Restarts => _processes.Values.Where(l => l.IsValueCreated).Sum(l => l.Value.Restarts);

    /// <inheritdoc />
    public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (LanguageTags.SameLanguage(source, target))
        {
            return new TranslationResult(text, source, target, Name);
        }

        var route = _modes.FindRoute(source, target) ?? throw new UnsupportedLanguagePairException(Name, source, target);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new TranslationResult(string.Empty, source, target, Name);
        }

        var current = text;
        foreach (var hop in route)
        {
            var process = _processes.GetOrAdd(hop, h => new Lazy<ApertiumProcess>(() =>
                new ApertiumProcess(ApertiumModes.BuildNullFlushPipeline(_modes.FindMode(h.Item1, h.Item2)!), _options.RequestTimeout))).Value;
            var raw = await process.TranslateAsync(ApertiumText.Escape(current), cancellationToken).ConfigureAwait(false);
            current = ApertiumText.Clean(raw);
        }

        var provider = route.Count == 1 ? Name : $"{Name}({route[0].Source}>{route[0].Target}>{route[1].Target})";
        return new TranslationResult(current, source, target, provider);
    }

    /// <summary>Stops all resident pipelines.</summary>
    public void Dispose()
    {
        foreach (var p in _processes.Values.Where(l => l.IsValueCreated))
        {
            p.Value.Dispose();
        }

        _processes.Clear();
    }
}
