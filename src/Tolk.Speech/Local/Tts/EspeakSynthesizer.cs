using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tolk.Speech.Local.Tts;

/// <summary>Settings of <see cref="EspeakSynthesizer"/>.</summary>
public sealed class EspeakOptions
{
    /// <summary>The espeak-ng executable.</summary>
    public string Executable { get; set; } = "espeak-ng";

    /// <summary>espeak-ng's default rate in words per minute (what <see cref="VoiceSettings.Rate"/> 1.0 means).</summary>
    public int BaseWordsPerMinute { get; set; } = 165;

    /// <summary>Audio per yielded chunk.</summary>
    public TimeSpan ChunkDuration { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// espeak-ng run as a separate (GPL) worker process per phrase, streaming its WAV output from stdout so the first
/// chunk is available while the rest is still being synthesised. Speaks every espeak-ng language; supports pitch,
/// rate, amplitude, voice variants (+m1..+m7, +f1..+f5) and SSML.
/// </summary>
public sealed class EspeakSynthesizer : ISpeechSynthesizer
{
    private static readonly string[] s_fallbackLanguages = ["en", "es", "fr", "ca", "de", "it", "pt", "nl", "pl", "ru"];
    private readonly EspeakOptions _options;
    private readonly Lazy<SynthesizerCapabilities> _capabilities;

    /// <summary>Creates the synthesiser.</summary>
    public EspeakSynthesizer(EspeakOptions? options = null)
    {
        _options = options ?? new EspeakOptions();
        _capabilities = new Lazy<SynthesizerCapabilities>(LoadCapabilities);
    }

    /// <inheritdoc />
    public string Name => "espeak-ng";

    /// <inheritdoc />
    public SynthesizerCapabilities Capabilities => _capabilities.Value;

    /// <summary>The espeak-ng voice argument for a language and settings (e.g. "es+f3").</summary>
    public static string VoiceArgument(string language, VoiceSettings voice)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(voice);
        if (!string.IsNullOrEmpty(voice.VoiceId))
        {
            return voice.VoiceId;
        }

        var lang = language.ToLowerInvariant().Replace('_', '-');
        lang = lang switch
        {
            "en" => "en-us",
            "fr" => "fr-fr",
            _ => lang,
        };
        return voice.Gender switch
        {
            VoiceGender.Female => $"{lang}+f{Math.Clamp(voice.Variant == 0 ? 2 : voice.Variant, 1, 5)}",
            VoiceGender.Male => $"{lang}+m{Math.Clamp(voice.Variant == 0 ? 1 : voice.Variant, 1, 7)}",
            _ => lang,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(voice);
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var psi = new ProcessStartInfo(_options.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--stdout");
        psi.ArgumentList.Add("-v");
        psi.ArgumentList.Add(VoiceArgument(language, voice));
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(Math.Clamp(voice.Pitch, 0, 99).ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("-s");
        psi.ArgumentList.Add(Math.Clamp((int)Math.Round(_options.BaseWordsPerMinute * voice.Rate), 80, 450).ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("-a");
        psi.ArgumentList.Add(Math.Clamp(voice.Amplitude, 0, 200).ToString(CultureInfo.InvariantCulture));
        if (voice.Ssml)
        {
            psi.ArgumentList.Add("-m");
        }

        using var process = Process.Start(psi) ?? throw new SpeechProviderException("Could not start espeak-ng.");
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            // Text goes through stdin so nothing in it can be taken for an option.
            var stdin = process.StandardInput.BaseStream;
            await stdin.WriteAsync(Encoding.UTF8.GetBytes(text.Replace('\0', ' ') + "\n"), cancellationToken).ConfigureAwait(false);
            stdin.Close();

            await foreach (var chunk in ReadWavChunksAsync(process.StandardOutput.BaseStream, _options.ChunkDuration, cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new SpeechProviderException($"espeak-ng exited with code {process.ExitCode}.");
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

    internal static async IAsyncEnumerable<AudioChunk> ReadWavChunksAsync(Stream stdout, TimeSpan chunkDuration, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var decoder = new WavStreamDecoder();
        var minSamples = (int)(chunkDuration.TotalSeconds * SpeechAudio.SampleRate);
        var pending = new List<short>(minSamples * 2);
        var buffer = new byte[8192];
        while (true)
        {
            var n = await stdout.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            pending.AddRange(decoder.Feed(buffer.AsSpan(0, n)));
            if (pending.Count >= minSamples)
            {
                yield return new AudioChunk([.. pending], SpeechAudio.SampleRate);
                pending.Clear();
            }
        }

        pending.AddRange(decoder.Finish());
        if (pending.Count > 0)
        {
            yield return new AudioChunk([.. pending], SpeechAudio.SampleRate);
        }
    }

    private SynthesizerCapabilities LoadCapabilities()
    {
        var languages = new List<string>();
        try
        {
            var psi = new ProcessStartInfo(_options.Executable, "--voices") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is not null)
            {
                var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                p.WaitForExit();
                languages.AddRange(lines.Skip(1)
                    .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(parts => parts.Length > 1)
                    .Select(parts => parts[1]));
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // espeak-ng missing: report the usual set so the configuration still reads sensibly.
        }

        if (languages.Count == 0)
        {
            languages.AddRange(s_fallbackLanguages);
        }

        var voices = new List<VoiceInfo>();
        for (var i = 1; i <= 7; i++)
        {
            voices.Add(new VoiceInfo($"+m{i}", "*", VoiceGender.Male, $"male variant {i}"));
        }

        for (var i = 1; i <= 5; i++)
        {
            voices.Add(new VoiceInfo($"+f{i}", "*", VoiceGender.Female, $"female variant {i}"));
        }

        return new SynthesizerCapabilities(languages.Distinct().ToList(), voices, Streaming: true, Ssml: true, SpeechAudio.SampleRate);
    }
}
