using System.Diagnostics;
using Tolk.Bench.Speech;
using Tolk.Media.Codecs;
using Tolk.Speech.Local.PocketSphinx;

namespace Tolk.Bench.Media;

/// <summary>
/// What a lower Opus encoder complexity costs in quality and saves in CPU, on real (flite) speech at the
/// conference settings (16 kHz, 24 kbit/s, FEC): encode time per 20 ms frame, SNR of the decoded speech
/// against the original (aligned by cross-correlation; SILK is not a waveform coder, so read it as a
/// relative figure), and pocketsphinx's WER on the decoded speech (what the translation pipeline hears).
/// Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- opus-complexity [clips] [complexities...]</c>
/// </summary>
public static class OpusComplexityDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30;
        var levels = args.Length > 1 ? args.Skip(1).Select(int.Parse).ToArray() : [0, 1, 2, 3, 5, 8];
        var clips = await FlitePhrases.GenerateAsync(count);
        Console.WriteLine($"{count} clips; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("complexity  encode µs/frame p50 / p95   SNR dB   WER");
        var reference = await AsrTuningDriver.MeasureAsync(new PocketSphinxRecognizer(new PocketSphinxOptions()), clips);
        Console.WriteLine($"original    –                           –       {reference.Wer,6:P1}");
        foreach (var complexity in levels)
        {
            var encodeUs = new List<double>();
            double signal = 0, noise = 0;
            var decodedClips = new List<(string, short[])>();
            foreach (var (text, audio) in clips)
            {
                var decoded = RoundTrip(audio, complexity, encodeUs);
                var (s, n) = AlignedEnergy(audio, decoded);
                signal += s;
                noise += n;
                decodedClips.Add((text, decoded));
            }
            var asr = await AsrTuningDriver.MeasureAsync(new PocketSphinxRecognizer(new PocketSphinxOptions()), decodedClips);
            Console.WriteLine($"{complexity,-10}  {BenchMeasure.Percentile(encodeUs, 0.5),8:F0} / {BenchMeasure.Percentile(encodeUs, 0.95),6:F0}          {10 * Math.Log10(signal / noise),6:F1}   {asr.Wer,6:P1}");
        }
        return 0;
    }

    private static short[] RoundTrip(short[] audio, int complexity, List<double> encodeUs)
    {
        using var encoder = new OpusEncoder(OpusOptions.Default with { Complexity = complexity });
        using var decoder = new OpusDecoder();
        var output = new short[audio.Length];
        var frame = new short[320];
        var payload = new byte[1500];
        var pcm = new short[960];
        for (var o = 0; o + 320 <= audio.Length; o += 320)
        {
            audio.AsSpan(o, 320).CopyTo(frame);
            var t = Stopwatch.GetTimestamp();
            var n = encoder.Encode(frame, payload);
            encodeUs.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            var m = decoder.Decode(payload.AsSpan(0, n), pcm);
            pcm.AsSpan(0, Math.Min(m, 320)).CopyTo(output.AsSpan(o));
        }
        return output;
    }

    /// <summary>Signal and error energy at the lag (codec delay, 0–20 ms) where the decoded audio best matches.</summary>
    private static (double Signal, double Noise) AlignedEnergy(short[] original, short[] decoded)
    {
        var best = (Lag: 0, Corr: double.MinValue);
        for (var lag = 0; lag < 320; lag++)
        {
            double c = 0;
            for (var i = 0; i + lag < decoded.Length; i += 4)
            {
                c += (double)original[i] * decoded[i + lag];
            }
            if (c > best.Corr)
            {
                best = (lag, c);
            }
        }
        double s = 0, e = 0;
        for (var i = 0; i + best.Lag < decoded.Length; i++)
        {
            s += (double)original[i] * original[i];
            var d = (double)original[i] - decoded[i + best.Lag];
            e += d * d;
        }
        return (s, e);
    }
}
