using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tolk.Speech.Local.Tts;

/// <summary>
/// flite voices for English (better sounding than espeak-ng). flite writes a complete WAV (it rewrites the header),
/// so each phrase is synthesised to a temporary file and then yielded in chunks; short phrases keep that cheap.
/// </summary>
public sealed class FliteSynthesizer : ISpeechSynthesizer
{
    private static readonly VoiceInfo[] s_voices =
    [
        new("slt", "en-US", VoiceGender.Female, "CMU US SLT (female)"),
        new("rms", "en-US", VoiceGender.Male, "CMU US RMS (male)"),
        new("awb", "en-GB", VoiceGender.Male, "CMU AWB (Scottish male)"),
        new("kal16", "en-US", VoiceGender.Male, "CMU KAL 16 kHz diphone (male)"),
    ];

    private readonly string _executable;

    /// <summary>Creates the synthesiser.</summary>
    public FliteSynthesizer(string executable = "flite")
    {
        _executable = executable;
    }

    /// <inheritdoc />
    public string Name => "flite";

    /// <inheritdoc />
    public SynthesizerCapabilities Capabilities { get; } = new(["en"], s_voices, Streaming: false, Ssml: false, SpeechAudio.SampleRate);

    /// <summary>The flite voice for the settings: an explicit id, else by gender (female → slt, male → rms).</summary>
    public static string VoiceFor(VoiceSettings voice)
    {
        ArgumentNullException.ThrowIfNull(voice);
        if (voice.VoiceId is { } id && s_voices.Any(v => v.Id == id))
        {
            return id;
        }

        return voice.Gender == VoiceGender.Male ? "rms" : "slt";
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(voice);
        if (!Capabilities.Supports(language))
        {
            throw new UnsupportedLanguageException($"flite speaks English only, not '{language}'.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var file = Path.Combine(Path.GetTempPath(), $"tolk-flite-{Guid.NewGuid():N}.wav");
        try
        {
            var psi = new ProcessStartInfo(_executable)
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-voice");
            psi.ArgumentList.Add(VoiceFor(voice));
            // duration_stretch > 1 slows down; int_f0_target_mean sets the mean pitch in Hz.
            psi.ArgumentList.Add("--setf");
            psi.ArgumentList.Add("duration_stretch=" + (1.0 / Math.Clamp(voice.Rate, 0.5, 2.0)).ToString("F3", CultureInfo.InvariantCulture));
            if (voice.Pitch != 50)
            {
                var baseHz = VoiceFor(voice) == "slt" ? 170.0 : 105.0;
                psi.ArgumentList.Add("--setf");
                psi.ArgumentList.Add("int_f0_target_mean=" + (baseHz * Math.Pow(2, (voice.Pitch - 50) / 50.0)).ToString("F1", CultureInfo.InvariantCulture));
            }

            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add(file);
            using (var process = Process.Start(psi) ?? throw new SpeechProviderException("Could not start flite."))
            {
                try
                {
                    _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                    await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(text.Replace('\0', ' ') + "\n"), cancellationToken).ConfigureAwait(false);
                    process.StandardInput.Close();
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    if (process.ExitCode != 0)
                    {
                        throw new SpeechProviderException($"flite exited with code {process.ExitCode}.");
                    }
                }
                finally
                {
                    if (!process.HasExited)
                    {
                        process.Kill();
                    }
                }
            }

            var stream = File.OpenRead(file);
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var chunk in EspeakSynthesizer.ReadWavChunksAsync(stream, TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false))
                {
                    yield return chunk;
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
