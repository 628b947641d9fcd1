using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Translation;
using Tolk.Media.Codecs;
using Tolk.Media.Srtp;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Media;

/// <summary>Options of the conference media.</summary>
public sealed record ConferenceMediaOptions
{
    /// <summary>A call whose RTP stops for this long is ended (and its metering with it).</summary>
    public TimeSpan RtpInactivityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Codecs in our order of preference.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = [SdpCodec.Opus, SdpCodec.G722, SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent];

    /// <summary>
    /// speexdsp quality (0–10) of rate conversions other than exact 2:1 (G.711's 8 ↔ 16 kHz always uses
    /// the half-band filter, see <c>AudioResampler.Create</c>). 3 is speexdsp's own VoIP preset.
    /// </summary>
    public int ResamplerQuality { get; init; } = 3;

    /// <summary>
    /// Opus encoder complexity (0–10) of a mix only one caller hears, i.e. someone who is talking: with
    /// everyone talking that is one encode per caller per tick, the largest Opus cost. Measured on flite
    /// speech (bench opus-complexity, docs/benchmarks.md): complexity 0 encodes 2.6× faster than 5 with the
    /// same SNR and the same recognition WER; complexity 1 and 3 recognised worse than either.
    /// </summary>
    public int PersonalMixOpusComplexity { get; init; }

    /// <summary>Opus encoder complexity of a mix shared by every listener not talking: one encode serves them all, so quality is cheap there.</summary>
    public int SharedMixOpusComplexity { get; init; } = 5;
}

/// <summary>
/// Media for calls into conference rooms: negotiates the SDP, runs RTP/SRTP, jitter buffer and codecs,
/// and puts the caller into its room's mixer for a personal mix-minus.
/// </summary>
public sealed partial class ConferenceMediaProvider : ICallMediaProvider
{
    private readonly ILoggerFactory _loggers;

    public ConferenceMediaProvider(ConferenceRooms rooms, RtpPortAllocator ports, TimeProvider time, ConferenceMediaOptions? options = null, ILoggerFactory? loggers = null, ConferenceTranslation? translation = null)
    {
        Translation = translation;
        Rooms = rooms;
        Ports = ports;
        Time = time;
        Options = options ?? new ConferenceMediaOptions();
        _loggers = loggers ?? NullLoggerFactory.Instance;
        ArgumentOutOfRangeException.ThrowIfNegative(Options.PersonalMixOpusComplexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Options.PersonalMixOpusComplexity, 10);
        ArgumentOutOfRangeException.ThrowIfNegative(Options.SharedMixOpusComplexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Options.SharedMixOpusComplexity, 10);
        Codecs = new CodecRegistry(OpusOptions.Default with { Complexity = Options.PersonalMixOpusComplexity });
        SharedEncodes = new SharedEncoders(new CodecRegistry(OpusOptions.Default with { Complexity = Options.SharedMixOpusComplexity }), Options.ResamplerQuality);
        CryptoSuites = new[] { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32, SrtpProfile.AeadAes128Gcm }
            .Where(SrtpContext.IsSupported)
            .Select(SrtpProfiles.SdpName)
            .ToList();
    }

    internal ConferenceRooms Rooms { get; }

    internal RtpPortAllocator Ports { get; }

    /// <summary>Live translation of multilingual rooms, or null when translation is off.</summary>
    public ConferenceTranslation? Translation { get; }

    internal TimeProvider Time { get; }

    internal ConferenceMediaOptions Options { get; }

    /// <summary>Codecs of each call's own stream (its decoder, and the encoder of its personal mix).</summary>
    internal CodecRegistry Codecs { get; }

    internal IReadOnlyList<string> CryptoSuites { get; }

    /// <summary>One encoder per shared mix and codec: listeners who hear the same mix in a tick share its encode.</summary>
    internal SharedEncoders SharedEncodes { get; }

    internal ILogger<T> Logger<T>() => _loggers.CreateLogger<T>();

    public async ValueTask<MediaOfferResult> AcceptOfferAsync(CallSession call, SdpSessionDescription offer, CancellationToken cancellationToken)
    {
        var address = call.MediaAddress;
        await RecallLanguageAsync(call, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.Allocate(address);
            var media = new ConferenceCallMedia(this, call, new IPEndPoint(address, port));
            MediaOfferResult result;
            try
            {
                result = await media.NegotiateAsync(offer);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < BindAttempts)
            {
                // The allocator's probe and the session's bind are two steps: another process (an outgoing
                // connection's ephemeral port, in a range that overlaps it) can take the pair in between. A fresh
                // pair is tried rather than failing the call.
                await media.DisposeAsync();
                continue;
            }
            if (!result.IsAccepted)
            {
                await media.DisposeAsync();
            }
            return result;
        }
    }

    // Before the caller joins its room: a remembered menu choice decides the language it starts in.
    private ValueTask RecallLanguageAsync(CallSession call, CancellationToken cancellationToken) =>
        Translation?.RecallAsync(call, cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>Port pairs tried for one offer before its bind failure is the call's.</summary>
    private const int BindAttempts = 4;

    internal SdpMediaPolicy Policy(CallSession call, IPEndPoint local) => new()
    {
        LocalAddress = local.Address,
        LocalRtpPort = local.Port,
        Codecs = Options.Codecs,
        Srtp = call.Room.RequireSrtp ? SrtpPolicy.Required : SrtpPolicy.Optional,
        CryptoSuites = CryptoSuites,
        RtcpMux = true,
        SessionName = "Tolk conference",
    };
}
