using System.Buffers.Binary;

namespace Tolk.Speech.Audio;

/// <summary>Minimal RIFF/WAVE reader and writer for 16-bit PCM (what the local engines and tests exchange).</summary>
public static class WavFile
{
    /// <summary>Reads a 16-bit PCM WAV; multi-channel audio is averaged to mono.</summary>
    public static (short[] Samples, int SampleRate) Read(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses a 16-bit PCM WAV held in memory.</summary>
    public static (short[] Samples, int SampleRate) Parse(ReadOnlySpan<byte> data)
    {
        if (!TryParseHeader(data, out var rate, out var channels, out var dataOffset, out var dataLength))
        {
            throw new InvalidDataException("Not a 16-bit PCM WAV file.");
        }

        var available = Math.Min(dataLength, data.Length - dataOffset);
        var frames = available / (2 * channels);
        var samples = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(data.Slice(dataOffset + (((i * channels) + c) * 2)));
            }

            samples[i] = (short)(sum / channels);
        }

        return (samples, rate);
    }

    /// <summary>
    /// Parses a WAV header. Streaming writers put a bogus data length (0x7ffff000 or 0xffffffff); the caller then
    /// reads to end of stream.
    /// </summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> data, out int sampleRate, out int channels, out int dataOffset, out int dataLength)
    {
        sampleRate = channels = dataOffset = dataLength = 0;
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return false;
        }

        var pos = 12;
        var bits = 0;
        while (pos + 8 <= data.Length)
        {
            var id = data.Slice(pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos + 4));
            if (id.SequenceEqual("fmt "u8) && pos + 24 <= data.Length)
            {
                var format = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(pos + 8));
                channels = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(pos + 10));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos + 12));
                bits = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(pos + 22));
                if (format != 1 || bits != 16 || channels < 1)
                {
                    return false;
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                dataOffset = pos + 8;
                dataLength = size < 0 ? int.MaxValue : size;
                return sampleRate > 0;
            }

            if (size < 0)
            {
                return false;
            }

            pos += 8 + size + (size & 1);
        }

        return false;
    }

    /// <summary>Writes 16-bit mono PCM as a WAV file.</summary>
    public static void Write(string path, ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = new byte[44 + (samples.Length * 2)];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + (samples.Length * 2));
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Length * 2);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (i * 2))..], samples[i]);
        }

        File.WriteAllBytes(path, bytes);
    }
}
