using System.Diagnostics;
using Tolk.Media.Codecs;
using Tolk.Speech;
using Tolk.Speech.Audio;

namespace Tolk.Bench.Speech;

/// <summary>The speech drivers' corpus: English sentences spoken by flite voices (slt, then rms), at 16 kHz.</summary>
internal static class FlitePhrases
{
    public static readonly string[] Sentences =
    [
        "the weather is nice today", "i would like to book a meeting for tomorrow morning", "please send me the report by friday",
        "we need to discuss the budget for next year", "can you hear me clearly", "thank you very much for your help",
        "the project is running late", "let us start the meeting now", "i will call you back in ten minutes",
        "the price of the product has gone up", "where is the nearest train station", "my flight leaves at six in the evening",
        "the children are playing in the garden", "she works at the hospital downtown", "we should order more paper for the office",
        "the new computer is much faster", "please close the door when you leave", "i need a table for four people",
        "the store opens at nine in the morning", "he bought a red car last week", "our team won the game yesterday",
        "the water is very cold", "do you want some coffee", "the book is on the table", "we are going to the beach this weekend",
    ];

    private static readonly string[] s_voices = ["slt", "rms"];

    /// <summary>Speaks <paramref name="count"/> phrases (the sentences in turn, a voice per round) into 16 kHz PCM.</summary>
    public static async Task<List<(string Text, short[] Audio)>> GenerateAsync(int count)
    {
        var dir = Directory.CreateTempSubdirectory("tolk-flite-phrases").FullName;
        try
        {
            var clips = new List<(string Text, short[] Audio)>();
            for (var i = 0; i < count; i++)
            {
                var text = Sentences[i % Sentences.Length];
                var path = Path.Combine(dir, $"p{i}.wav");
                using (var p = Process.Start(new ProcessStartInfo("flite") { ArgumentList = { "-voice", s_voices[(i / Sentences.Length) % s_voices.Length], "-t", text, "-o", path } })!)
                {
                    await p.WaitForExitAsync();
                }

                var (s, rate) = WavFile.Read(path);
                clips.Add((text, PcmResampler.Resample(s, rate, SpeechAudio.SampleRate)));
            }

            return clips;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>16 kHz audio through the G.711 call path: 16 → 8 kHz, µ-law encode/decode, 8 → 16 kHz.</summary>
    public static short[] TelephonePath(short[] wide)
    {
        var narrow = PcmResampler.Resample(wide, SpeechAudio.SampleRate, 8000);
        var codes = new byte[narrow.Length];
        G711.EncodeUlaw(narrow, codes);
        G711.DecodeUlaw(codes, narrow);
        return PcmResampler.Resample(narrow, 8000, SpeechAudio.SampleRate);
    }
}
