using Tolk.Media.Codecs;
using Tolk.Media.Jitter;
using Tolk.Testing;

namespace Tolk.Media.Tests.Codecs;

public class AudioFrameEncoderTests
{
    [Theory]
    [InlineData("PCMU", 8000, 160u)]
    [InlineData("PCMA", 8000, 160u)]
    [InlineData("G722", 8000, 160u)]
    [InlineData("opus", 48000, 960u)]
    public void Internal_frames_survive_encode_and_jitter_buffer_decode(string name, int clock, uint step)
    {
        var registry = new CodecRegistry();
        Assert.True(registry.TryCreateEncoder(name, clock, out var encoder));
        Assert.True(registry.TryCreateDecoder(name, clock, out var decoder));
        using var frames = new AudioFrameEncoder(encoder!, initialTimestamp: 1000);
        using (decoder)
        {
            var time = new ManualTimeProvider();
            using var buffer = new JitterBuffer(decoder!, time);
            var tone = Signals.Tone(700, 16000, 16000 * 2);
            var output = new List<short>();
            var payload = new byte[1500];
            var pulled = new short[320];
            for (var k = 0; k < 100; k++)
            {
                var n = frames.Encode(tone.AsSpan(k * 320, 320), payload, out var ts);
                Assert.True(n > 0);
                Assert.Equal(1000u + ((uint)k * step), ts);
                Assert.True(buffer.Push((ushort)k, ts, payload.AsSpan(0, n)));
                time.Advance(TimeSpan.FromMilliseconds(20));
                buffer.Pull(pulled);
                output.AddRange(pulled);
            }

            var tail = output.ToArray().AsSpan(16000, 8000);
            Assert.InRange(Signals.DominantFrequency(tail, 16000, 100, 3000), 690, 710);
            Assert.InRange(Signals.Rms(tail), 0.7 * 7071, 1.3 * 7071);
        }
    }
}
