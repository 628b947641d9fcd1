namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>Settings of <see cref="PocketSphinxRecognizer"/>.</summary>
public sealed class PocketSphinxOptions
{
    /// <summary>Debian's US English model directory.</summary>
    public const string DefaultModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Acoustic model directory.</summary>
    public string AcousticModel { get; set; } = Path.Combine(DefaultModelDirectory, "en-us");

    /// <summary>Language model (binary ARPA).</summary>
    public string LanguageModel { get; set; } = Path.Combine(DefaultModelDirectory, "en-us.lm.bin");

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary { get; set; } = Path.Combine(DefaultModelDirectory, "cmudict-en-us.dict");

    /// <summary>
    /// Extra decoder arguments as name/value pairs (e.g. <c>["-beam", "1e-60"]</c>); they are appended after
    /// <see cref="TunedArguments"/> and override them.
    /// </summary>
    public IList<string> ExtraArguments { get; } = [];

    /// <summary>
    /// Arguments chosen from measurements on the synthetic corpus: <c>-remove_noise no</c> lowered telephone-band
    /// WER (81 % → 76 %) without changing wideband WER (7 %); <c>-pl_window 10</c> and <c>-maxhmmpf 10000</c>
    /// cut decode time at no WER cost. (<c>-upperf</c>/<c>-lowerf</c> are fixed by the model's feat.params.)
    /// </summary>
    public static IReadOnlyList<string> TunedArguments { get; } = ["-remove_noise", "no", "-pl_window", "10", "-maxhmmpf", "10000"];

    /// <summary>Custom vocabulary: word → CMU phone string (e.g. "tolk" → "T OW L K"), added to each decoder.</summary>
    public IDictionary<string, string> CustomWords { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often (in 20 ms frames) a partial hypothesis is read for interim results.</summary>
    public int InterimEveryFrames { get; set; } = 10;
}
