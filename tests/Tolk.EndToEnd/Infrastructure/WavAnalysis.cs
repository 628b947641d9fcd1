namespace Tolk.EndToEnd.Infrastructure;

/// <summary>Reads PCM WAV files and measures tones in them (Goertzel), to check what a peer heard.</summary>
public static class WavAnalysis
{
    public sealed record Pcm(int SampleRate, short[] Samples);

    public static Pcm Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var sampleRate = BitConverter.ToInt32(bytes, 24);
        var channels = BitConverter.ToInt16(bytes, 22);
        // Find the "data" chunk (sndfile may write other chunks first).
        var pos = 12;
        while (pos + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, pos, 4);
            var size = BitConverter.ToInt32(bytes, pos + 4);
            if (id == "data")
            {
                var count = Math.Min(size, bytes.Length - pos - 8) / 2 / channels;
                var samples = new short[count];
                for (var i = 0; i < count; i++)
                {
                    samples[i] = BitConverter.ToInt16(bytes, pos + 8 + i * 2 * channels);
                }
                return new Pcm(sampleRate, samples);
            }
            pos += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }

    /// <summary>RMS level of a tone at <paramref name="frequency"/> (Goertzel over the whole signal), relative to full scale.</summary>
    public static double ToneLevel(Pcm pcm, double frequency, int skipSamples = 0) =>
        skipSamples >= pcm.Samples.Length ? 0 : Goertzel(pcm.Samples.AsSpan(skipSamples), pcm.SampleRate, frequency);

    /// <summary>
    /// RMS level of a tone in the window (1 s by default, one every 100 ms) where it is strongest. One Goertzel over
    /// a whole call is lowered by the part of the call the tone was missing from (a late join) and by the phase jumps
    /// of frame slips, which its sub-hertz-wide bin sums out of phase; a second of steady tone is what "heard it" means,
    /// and the loudest second of a tone a caller must not hear is the strictest check of that.
    /// </summary>
    public static double StrongestToneLevel(Pcm pcm, double frequency, double windowSeconds = 1.0)
    {
        var window = (int)(windowSeconds * pcm.SampleRate);
        if (pcm.Samples.Length <= window)
        {
            return ToneLevel(pcm, frequency);
        }
        var best = 0.0;
        for (var start = 0; start + window <= pcm.Samples.Length; start += pcm.SampleRate / 10)
        {
            best = Math.Max(best, Goertzel(pcm.Samples.AsSpan(start, window), pcm.SampleRate, frequency));
        }
        return best;
    }

    private static double Goertzel(ReadOnlySpan<short> samples, int sampleRate, double frequency)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }
        var k = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var sample in samples)
        {
            var s0 = sample / 32768.0 + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        var power = s1 * s1 + s2 * s2 - k * s1 * s2;
        return Math.Sqrt(2 * power) / samples.Length;
    }

    /// <summary>RMS level of the whole signal, relative to full scale.</summary>
    public static double Rms(Pcm pcm)
    {
        if (pcm.Samples.Length == 0)
        {
            return 0;
        }
        double sum = 0;
        foreach (var s in pcm.Samples)
        {
            sum += (s / 32768.0) * (s / 32768.0);
        }
        return Math.Sqrt(sum / pcm.Samples.Length);
    }

    /// <summary>Seconds of 20 ms frames whose RMS exceeds <paramref name="threshold"/> (full scale = 1).</summary>
    public static double ActiveSeconds(Pcm pcm, double threshold)
    {
        var frame = pcm.SampleRate / 50;
        var active = 0;
        for (var start = 0; start + frame <= pcm.Samples.Length; start += frame)
        {
            double sum = 0;
            for (var i = start; i < start + frame; i++)
            {
                sum += (pcm.Samples[i] / 32768.0) * (pcm.Samples[i] / 32768.0);
            }
            if (Math.Sqrt(sum / frame) > threshold)
            {
                active++;
            }
        }
        return active * 0.02;
    }

    /// <summary>Writes an 8 kHz mono 16-bit WAV of a pure tone (what baresip's aufile reads).</summary>
    public static string WriteTone(string path, double frequency, double seconds, double amplitude = 0.3, int sampleRate = 8000)
    {
        var count = (int)(seconds * sampleRate);
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + count * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(sampleRate);
        w.Write(sampleRate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(count * 2);
        for (var i = 0; i < count; i++)
        {
            w.Write((short)(amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * i / sampleRate)));
        }
        return path;
    }
}
