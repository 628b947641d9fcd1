using Tolk.Speech.Pipeline;

namespace Tolk.Speech.Tests.Support;

/// <summary>
/// Engine timeouts for tests of what the real engines produce, not how fast: the pipeline's defaults (4 s / 3 s / 3 s
/// on the real clock) are production budgets that a cold Apertium or espeak on a busy 2-core CI machine can miss,
/// turning a correct pipeline into "translation unavailable".
/// </summary>
internal static class RealEngineTimeouts
{
    public static readonly TimeSpan Stage = TimeSpan.FromSeconds(20);

    public static TranslationPipelineOptions WithGenerousTimeouts(this TranslationPipelineOptions options) =>
        options with { RecognitionTimeout = Stage, TranslationTimeout = Stage, SynthesisTimeout = Stage };
}
