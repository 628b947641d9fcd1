using System.Buffers.Binary;

namespace Tolk.Api.Tests.Infrastructure;

/// <summary>Builds PCM WAV files for voice tests.</summary>
public static class Wav
{
    /// <summary>
    /// Tone bursts: <paramref name="burstsPerSecond"/> bursts of a harmonic tone at <paramref name="pitchHz"/>
    /// (fundamental plus two harmonics, like a voiced vowel), each 45 % of its period long.
    /// </summary>
    public static byte[] Bursts(double pitchHz, double burstsPerSecond, double seconds, int rate = 16000)
    {
        var n = (int)(seconds * rate);
        var samples = new short[n];
        var period = rate / burstsPerSecond;
        for (var i = 0; i < n; i++)
        {
            var phase = i % period / period;
            if (phase > 0.45)
            {
                continue;
            }

            var envelope = Math.Sin(Math.PI * phase / 0.45);
            var t = (double)i / rate;
            var s = Math.Sin(2 * Math.PI * pitchHz * t) + 0.5 * Math.Sin(4 * Math.PI * pitchHz * t) + 0.25 * Math.Sin(6 * Math.PI * pitchHz * t);
            samples[i] = (short)(envelope * s * 9000);
        }

        return Encode(samples, rate);
    }

    public static byte[] Encode(short[] samples, int rate)
    {
        var data = samples.Length * 2;
        var wav = new byte[44 + data];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + data);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), data);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(44 + i * 2), samples[i]);
        }

        return wav;
    }

    public static MultipartFormDataContent Form(string name, string language, byte[] wav)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(language), "language" },
        };
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/wav");
        form.Add(file, "sample", "sample.wav");
        return form;
    }
}
