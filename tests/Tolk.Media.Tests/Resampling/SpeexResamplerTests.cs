using Tolk.Media.Resampling;

namespace Tolk.Media.Tests.Resampling;

public class SpeexResamplerTests
{
    private static short[] Convert(short[] input, int from, int to, int quality = 5)
    {
        using var resampler = new SpeexResampler(from, to, quality);
        var inFrame = from / 50;
        var outFrame = to / 50;
        var output = new short[input.Length * to / from];
        for (int i = 0, o = 0; i + inFrame <= input.Length; i += inFrame, o += outFrame)
        {
            // Frame in, frame out: the conference clock relies on exact 20 ms frames.
            Assert.Equal(outFrame, resampler.Process(input.AsSpan(i, inFrame), output.AsSpan(o, outFrame)));
        }

        return output;
    }

    [Theory]
    [InlineData(8000, 16000, 1000)]
    [InlineData(16000, 8000, 1500)]
    [InlineData(48000, 16000, 3000)]
    [InlineData(16000, 48000, 7000)]
    [InlineData(22050, 16000, 440)]
    public void A_tone_keeps_its_frequency_and_level(int from, int to, double frequency)
    {
        var output = Convert(Signals.Tone(frequency, from, from), from, to);
        var steady = output.AsSpan(to / 10, to / 5);
        Assert.InRange(Signals.DominantFrequency(steady, to, 100, Math.Min((to / 2) - 100, 7900)), frequency - 10, frequency + 10);
        Assert.InRange(Signals.Rms(steady), 0.9 * 7071, 1.1 * 7071);
    }

    [Fact]
    public void Downsampling_suppresses_aliases()
    {
        // 6 kHz at 16 kHz → 8 kHz would alias to 2 kHz without the anti-aliasing filter.
        var output = Convert(Signals.Tone(6000, 16000, 16000), 16000, 8000);
        var steady = output.AsSpan(800, 4000);
        var level = 20 * Math.Log10(Math.Max(Signals.Rms(steady), 1e-3) / 7071.0);
        Assert.True(level < -40, $"alias level {level:F1} dB");
    }

    [Fact]
    public void Upsampling_suppresses_images()
    {
        // 1 kHz at 8 kHz → 16 kHz: the image at 7 kHz must be far below the tone.
        var output = Convert(Signals.Tone(1000, 8000, 8000), 8000, 16000);
        var steady = output.AsSpan(1600, 8000);
        var tone = Signals.Goertzel(steady, 1000, 16000);
        var image = Signals.Goertzel(steady, 7000, 16000);
        Assert.True(10 * Math.Log10(image / tone) < -40);
    }

    [Fact]
    public void Higher_quality_reduces_the_alias_further()
    {
        static double AliasLevel(int quality)
        {
            var output = Convert(Signals.Tone(4300, 16000, 16000), 16000, 8000, quality);
            return Signals.Rms(output.AsSpan(800, 4000));
        }

        Assert.True(AliasLevel(10) < AliasLevel(0));
    }
}
