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

    /// <summary>
    /// Office-call sentences whose key words are rare in the language model (ranks 10,000–50,000 of its unigrams:
    /// invoices, procurement, reschedule, stakeholders, webinar, layover …): what a pruned vocabulary loses.
    /// </summary>
    public static readonly string[] BusinessSentences =
    [
        "please send the invoices to the procurement team", "can we reschedule the webinar to thursday",
        "the auditor asked about the reimbursement policy", "our stakeholders want a quarterly dashboard",
        "the shipment was delayed by the courier", "i had a long layover in amsterdam",
        "the receptionist forwarded my voicemail", "the firmware update caused an outage",
        "we need a bilingual recruiter", "the thermostat in the office is broken",
        "please check the itinerary before the flight", "the ticket is nonrefundable",
        "let us postpone the merger discussion", "the spreadsheet shows the dividend for shareholders",
        "she ordered a cappuccino and a croissant", "the trademark renewal is due next month",
        "he is on sabbatical until march", "the appetizer was gluten free",
        "compliance reviewed the parcel tracking system", "the plumber sent an invoice this morning",
    ];

    private static readonly string[] s_voices = ["slt", "rms"];

    /// <summary>Speaks <paramref name="count"/> phrases (the sentences in turn, a voice per round) into 16 kHz PCM.</summary>
    public static async Task<List<(string Text, short[] Audio)>> GenerateAsync(int count, string[]? sentences = null)
    {
        sentences ??= Sentences;
        var dir = Directory.CreateTempSubdirectory("tolk-flite-phrases").FullName;
        try
        {
            var clips = new List<(string Text, short[] Audio)>();
            for (var i = 0; i < count; i++)
            {
                var text = sentences[i % sentences.Length];
                var path = Path.Combine(dir, $"p{i}.wav");
                using (var p = Process.Start(new ProcessStartInfo("flite") { ArgumentList = { "-voice", s_voices[(i / sentences.Length) % s_voices.Length], "-t", text, "-o", path } })!)
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
