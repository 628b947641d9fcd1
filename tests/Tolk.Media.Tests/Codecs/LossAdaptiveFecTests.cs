using Tolk.Media.Codecs;
using Xunit.Abstractions;

namespace Tolk.Media.Tests.Codecs;

/// <summary>Opus FEC follows the receiver's reported loss: more redundancy while a caller loses packets.</summary>
public sealed class LossAdaptiveFecTests(ITestOutputHelper output)
{
    [Fact]
    public void The_expected_loss_rises_with_reported_loss_at_once_and_falls_by_halves_to_the_floor()
    {
        using var encoder = new OpusEncoder(OpusOptions.Default);
        var floor = OpusOptions.Default.ExpectedPacketLossPercent;
        var fec = new LossAdaptiveFec(encoder, floor);
        Assert.Equal(floor, encoder.PacketLossPercent); // no report yet

        fec.OnReport(0); // a clean report keeps the configured protection
        Assert.Equal(floor, encoder.PacketLossPercent);
        fec.OnReport(64); // 25 % lost
        Assert.Equal(25, encoder.PacketLossPercent);
        fec.OnReport(0);
        Assert.Equal(12, encoder.PacketLossPercent);
        fec.OnReport(0);
        Assert.Equal(floor, encoder.PacketLossPercent); // half of 12 is below the floor
        fec.OnReport(255); // capped
        Assert.Equal(LossAdaptiveFec.MaxPercent, encoder.PacketLossPercent);
    }

    // Why the expectation matters: libopus encodes LBRR only for an expected loss above 0.
    [Fact]
    public void A_lost_packet_is_recovered_from_the_next_one_only_when_loss_is_expected()
    {
        var speech = Signals.Speech(16000);
        Assert.NotNull(speech); // espeak-ng is a declared dependency of the project
        var withoutLoss = ConcealmentError(speech, lossPercent: 0);
        var withLoss = ConcealmentError(speech, lossPercent: 20);
        output.WriteLine($"error energy of the lost frames against a lossless decode: expected loss 0 % {withoutLoss:E3}, 20 % {withLoss:E3}");
        // With 0 % expected the next packet carries no LBRR and the decoder can only extrapolate (PLC).
        Assert.True(withLoss < withoutLoss / 3, $"FEC recovery error {withLoss:E3} vs PLC {withoutLoss:E3}");
    }

    /// <summary>
    /// Encodes <paramref name="speech"/>, then decodes it twice: every packet, and with every 10th packet lost and
    /// recovered from the packet after it. Returns the energy of the difference over the lost frames.
    /// </summary>
    private static double ConcealmentError(short[] speech, int lossPercent)
    {
        using var encoder = new OpusEncoder(OpusOptions.Default with { ExpectedPacketLossPercent = lossPercent });
        var packets = new List<byte[]>();
        var payload = new byte[1275];
        for (var i = 0; i + 320 <= speech.Length; i += 320)
        {
            var n = encoder.Encode(speech.AsSpan(i, 320), payload);
            packets.Add(payload[..n]);
        }

        using var reference = new OpusDecoder();
        using var lossy = new OpusDecoder();
        var a = new short[320];
        var b = new short[320];
        double error = 0;
        for (var k = 0; k < packets.Count - 1; k++)
        {
            reference.Decode(packets[k], a);
            if (k % 10 == 5)
            {
                lossy.Conceal(b, packets[k + 1]);
                for (var i = 0; i < 320; i++)
                {
                    double d = a[i] - b[i];
                    error += d * d;
                }
            }
            else
            {
                lossy.Decode(packets[k], b);
            }
        }

        return error;
    }
}
