using System.Buffers.Binary;

namespace Tolk.Api.Voices;

/// <summary>What the analysis of a voice sample found.</summary>
public sealed record VoiceAnalysis(double DurationSeconds, int SampleRate, double? MedianPitchHz, double SpeakingRate, double VoicedSeconds);

/// <summary>
/// Reads a PCM WAV (RIFF, 16-bit, 1–2 channels) and measures what voice adaptation needs: duration,
/// median fundamental frequency of voiced frames (normalised autocorrelation), and speaking rate as
/// syllable nuclei (peaks of the smoothed energy envelope) per second of speech.
/// </summary>
public static class WavAnalyzer
{
    private const double MinPitchHz = 60;
    private const double MaxPitchHz = 400;

    /// <summary>Parses a WAV into mono samples in [-1, 1]; null with a reason when it is not a usable PCM WAV.</summary>
    public static (float[]? Samples, int SampleRate, string? Error) Read(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return (null, 0, "The sample is not a RIFF/WAVE file.");
        }

        int channels = 0, rate = 0, bits = 0, format = 0;
        var pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var id = wav.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(pos + 4, 4));
            var body = pos + 8;
            if (id.SequenceEqual("fmt "u8) && size >= 16 && body + 16 <= wav.Length)
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 2, 2));
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 14, 2));
                if (format == 0xFFFE && size >= 40 && body + 26 <= wav.Length)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(wav.Slice(body + 24, 2)); // WAVE_FORMAT_EXTENSIBLE sub-format
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format != 1 || bits != 16 || channels is < 1 or > 2 || rate is < 8000 or > 96000)
                {
                    return (null, 0, "The sample must be 16-bit PCM, mono or stereo, 8–96 kHz.");
                }

                // Streaming writers leave the data size at 0 or 0xFFFFFFFF: take what is there.
                var available = wav.Length - body;
                var length = size == 0 || size > available ? available : (int)size;
                var frames = length / (2 * channels);
                var samples = new float[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(wav.Slice(body + ((i * channels) + c) * 2, 2));
                    }

                    samples[i] = sum / (channels * 32768f);
                }

                return (samples, rate, null);
            }

            pos = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        return (null, 0, "The sample has no PCM data chunk.");
    }

    /// <summary>Analyses mono samples.</summary>
    public static VoiceAnalysis Analyze(float[] samples, int rate)
    {
        var hop = rate / 100;             // 10 ms
        var window = rate * 4 / 100;      // 40 ms: two periods of the lowest pitch
        var frameCount = Math.Max(0, (samples.Length - window) / hop + 1);
        var energy = new double[frameCount];
        for (var f = 0; f < frameCount; f++)
        {
            double sum = 0;
            for (var i = 0; i < window; i++)
            {
                var s = samples[f * hop + i];
                sum += s * s;
            }

            energy[f] = Math.Sqrt(sum / window);
        }

        var peak = energy.Length == 0 ? 0 : energy.Max();
        var threshold = Math.Max(peak * 0.1, 1e-3);
        var pitches = new List<double>();
        var voicedFrames = 0;
        for (var f = 0; f < frameCount; f++)
        {
            if (energy[f] < threshold)
            {
                continue;
            }

            voicedFrames++;
            if (Pitch(samples.AsSpan(f * hop, window), rate) is { } p)
            {
                pitches.Add(p);
            }
        }

        pitches.Sort();
        double? median = pitches.Count == 0 ? null : pitches[pitches.Count / 2];
        var voicedSeconds = voicedFrames / 100.0;
        var nuclei = CountNuclei(energy, threshold);
        return new VoiceAnalysis(
            (double)samples.Length / rate, rate, median,
            voicedSeconds > 0 ? nuclei / SpanOfSpeech(energy, threshold) : 0, voicedSeconds);
    }

    // Normalised autocorrelation; the first lag whose correlation is near the best is the period (avoids octave errors).
    private static double? Pitch(ReadOnlySpan<float> frame, int rate)
    {
        var minLag = (int)(rate / MaxPitchHz);
        var maxLag = Math.Min((int)(rate / MinPitchHz), frame.Length / 2);
        var correlations = new double[maxLag + 1];
        var best = 0.0;
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            double num = 0, e1 = 0, e2 = 0;
            for (var i = 0; i + lag < frame.Length; i++)
            {
                num += frame[i] * frame[i + lag];
                e1 += frame[i] * frame[i];
                e2 += frame[i + lag] * frame[i + lag];
            }

            var r = e1 > 0 && e2 > 0 ? num / Math.Sqrt(e1 * e2) : 0;
            correlations[lag] = r;
            best = Math.Max(best, r);
        }

        if (best < 0.5)
        {
            return null; // unvoiced or noisy
        }

        for (var lag = minLag + 1; lag < maxLag; lag++)
        {
            if (correlations[lag] >= best * 0.9 && correlations[lag] >= correlations[lag - 1] && correlations[lag] >= correlations[lag + 1])
            {
                // Parabolic interpolation around the peak for sub-sample precision.
                var a = correlations[lag - 1];
                var b = correlations[lag];
                var c = correlations[lag + 1];
                var denominator = a - 2 * b + c;
                var shift = denominator == 0 ? 0 : 0.5 * (a - c) / denominator;
                return rate / (lag + shift);
            }
        }

        return null;
    }

    private static int CountNuclei(double[] energy, double threshold)
    {
        // Smooth with a 50 ms moving average, then count peaks above threshold at least 100 ms apart
        // that stand 20 % above the valley since the previous peak.
        var smooth = new double[energy.Length];
        for (var i = 0; i < energy.Length; i++)
        {
            double sum = 0;
            var n = 0;
            for (var j = Math.Max(0, i - 2); j <= Math.Min(energy.Length - 1, i + 2); j++)
            {
                sum += energy[j];
                n++;
            }

            smooth[i] = sum / n;
        }

        var count = 0;
        var lastPeak = -100;
        var valley = double.MaxValue;
        for (var i = 1; i < smooth.Length - 1; i++)
        {
            valley = Math.Min(valley, smooth[i]);
            if (smooth[i] >= threshold && smooth[i] > smooth[i - 1] && smooth[i] >= smooth[i + 1]
                && i - lastPeak >= 10 && smooth[i] > valley * 1.2)
            {
                count++;
                lastPeak = i;
                valley = smooth[i];
            }
        }

        return count;
    }

    private static double SpanOfSpeech(double[] energy, double threshold)
    {
        var first = Array.FindIndex(energy, e => e >= threshold);
        var last = Array.FindLastIndex(energy, e => e >= threshold);
        return first < 0 ? 1 : Math.Max(0.01, (last - first + 1) / 100.0);
    }
}
