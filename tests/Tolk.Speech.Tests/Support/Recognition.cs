namespace Tolk.Speech.Tests.Support;

/// <summary>One clip through a fresh recognition stream.</summary>
public static class Recognition
{
    /// <summary>The last final result's text for <paramref name="clip"/> (16 kHz), with room hint phrases if given; <paramref name="narrowbandSource"/> as a G.711 caller's stream says.</summary>
    public static async Task<string> FinalTextAsync(ISpeechRecognizer recognizer, short[] clip, IReadOnlyList<string>? hints = null, bool narrowbandSource = false)
    {
        await using var stream = await recognizer.StartStreamAsync(new RecognitionOptions("en", HintPhrases: hints, NarrowbandSource: narrowbandSource), SpeechContext.None);
        await stream.PushAudioAsync(clip);
        await stream.CompleteAsync();
        var text = string.Empty;
        await foreach (var e in stream.ReadEventsAsync())
        {
            if (e is FinalResultEvent f)
            {
                text = f.Text;
            }
        }

        return text;
    }
}
