using Tolk.Conferencing.Media;
using Tolk.Media.Codecs;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Tests.Media;

public sealed class OpusComplexityTests
{
    [Fact]
    public async Task Personal_mixes_and_the_shared_mix_are_encoded_at_their_own_complexities()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        await using var rooms = new ConferenceRooms(clock);
        var defaults = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.OpusLow, TestRtpPorts.OpusHigh), TimeProvider.System);
        Assert.Equal(0, ComplexityOf(defaults.Codecs));
        Assert.Equal(5, ComplexityOf(defaults.SharedEncodes.Codecs));

        var configured = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.OpusLow, TestRtpPorts.OpusHigh), TimeProvider.System,
            new ConferenceMediaOptions { PersonalMixOpusComplexity = 2, SharedMixOpusComplexity = 9 });
        Assert.Equal(2, ComplexityOf(configured.Codecs));
        Assert.Equal(9, ComplexityOf(configured.SharedEncodes.Codecs));

        Assert.Throws<ArgumentOutOfRangeException>(() => new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.OpusLow, TestRtpPorts.OpusHigh), TimeProvider.System,
            new ConferenceMediaOptions { PersonalMixOpusComplexity = 11 }));
    }

    private static int ComplexityOf(CodecRegistry codecs)
    {
        Assert.True(codecs.TryCreateEncoder("opus", 48000, out var encoder));
        using var opus = Assert.IsType<OpusEncoder>(encoder);
        return opus.Complexity;
    }
}
