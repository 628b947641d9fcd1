using System.Buffers;

namespace Tolk.Media;

/// <summary>
/// The internal audio convention of Tolk: mono signed 16-bit PCM at 16 kHz, moved in 20 ms frames
/// of <see cref="FrameSamples"/> samples. Codecs resample to and from this format at the edge.
/// </summary>
public static class AudioFormat
{
    /// <summary>Internal sample rate in Hz.</summary>
    public const int SampleRate = 16000;

    /// <summary>Frame duration in milliseconds (one conference clock tick).</summary>
    public const int FrameMilliseconds = 20;

    /// <summary>Samples in one internal frame: 20 ms at 16 kHz = 320.</summary>
    public const int FrameSamples = SampleRate * FrameMilliseconds / 1000;

    /// <summary>Bytes in one internal frame of 16-bit samples.</summary>
    public const int FrameBytes = FrameSamples * sizeof(short);

    /// <summary>Number of samples in 20 ms at <paramref name="sampleRate"/>.</summary>
    public static int SamplesPerFrame(int sampleRate) => sampleRate * FrameMilliseconds / 1000;

    /// <summary>
    /// Rents a buffer of at least <see cref="FrameSamples"/> samples from the shared pool.
    /// Return it with <see cref="ReturnFrame"/>; only the first <see cref="FrameSamples"/> are meaningful.
    /// </summary>
    public static short[] RentFrame() => ArrayPool<short>.Shared.Rent(FrameSamples);

    /// <summary>Returns a buffer rented with <see cref="RentFrame"/>.</summary>
    public static void ReturnFrame(short[] frame) => ArrayPool<short>.Shared.Return(frame);
}
