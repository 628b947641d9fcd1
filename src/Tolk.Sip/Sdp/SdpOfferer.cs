using System.Globalization;
using System.Net;

namespace Tolk.Sip.Sdp;

/// <summary>An offer we sent, remembered so its answer can be checked against it.</summary>
public sealed class SdpOffer
{
    internal SdpOffer(SdpSessionDescription description, IReadOnlyDictionary<int, SdpCodec> payloadTypes,
        IReadOnlyDictionary<int, (SdpCryptoKey Key, byte[] Bytes, string Suite)> cryptos, SdpDirection direction)
    {
        Description = description;
        PayloadTypes = payloadTypes;
        Cryptos = cryptos;
        Direction = direction;
    }

    /// <summary>The offer to put in the INVITE (or re-INVITE) body.</summary>
    public SdpSessionDescription Description { get; }

    /// <summary>Payload type numbers we offered and the codec each stands for.</summary>
    public IReadOnlyDictionary<int, SdpCodec> PayloadTypes { get; }

    internal IReadOnlyDictionary<int, (SdpCryptoKey Key, byte[] Bytes, string Suite)> Cryptos { get; }

    internal SdpDirection Direction { get; }
}

/// <summary>The offerer side of RFC 3264 for outbound calls: one audio stream.</summary>
public static class SdpOfferer
{
    /// <summary>
    /// Builds an audio offer: every policy codec (static payload types where they exist, the codec's
    /// <see cref="SdpCodec.DynamicPayloadType"/> otherwise), SRTP per policy — RTP/SAVP with one a=crypto per
    /// suite when Required, RTP/AVP with a=crypto lines ("best effort", as baresip does) when Optional,
    /// plain RTP/AVP when Forbidden.
    /// </summary>
    public static SdpOffer CreateOffer(SdpMediaPolicy policy, SdpLocalSession session)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(session);
        var sdp = new SdpSessionDescription
        {
            SessionName = policy.SessionName,
            Connection = SdpConnection.For(policy.LocalAddress),
        };
        sdp.Timings.Add(new SdpTiming(0, 0));
        var m = new SdpMediaDescription
        {
            Media = "audio",
            Port = policy.LocalRtpPort,
            Protocol = policy.Srtp == SrtpPolicy.Required ? "RTP/SAVP" : "RTP/AVP",
        };
        var payloadTypes = new Dictionary<int, SdpCodec>();
        var fmtps = new List<SdpFmtp>();
        foreach (var codec in ExpandTelephoneEvents(policy.Codecs))
        {
            var pt = codec.OfferPayloadType;
            if (!payloadTypes.TryAdd(pt, codec))
            {
                throw new ArgumentException($"Payload type {pt} is used by two codecs.", nameof(policy));
            }
            var ptText = pt.ToString(CultureInfo.InvariantCulture);
            m.Formats.Add(ptText);
            m.AddAttribute("rtpmap", new SdpRtpMap(pt, codec.Name, codec.ClockRate, codec.Channels > 1 ? codec.Channels : null).ToString());
            if (codec.Fmtp is not null)
            {
                fmtps.Add(new SdpFmtp(ptText, codec.Fmtp));
            }
        }
        foreach (var f in fmtps)
        {
            m.AddAttribute("fmtp", f.ToString());
        }
        m.AddAttribute("ptime", policy.Ptime.ToString(CultureInfo.InvariantCulture));
        if (policy.RtcpMux)
        {
            m.AddAttribute("rtcp-mux");
        }
        var cryptos = new Dictionary<int, (SdpCryptoKey, byte[], string)>();
        if (policy.Srtp != SrtpPolicy.Forbidden)
        {
            var tag = 1;
            foreach (var suite in policy.CryptoSuites)
            {
                var length = SrtpCryptoSuites.KeySaltLength(suite);
                if (length < 0)
                {
                    continue;
                }
                var bytes = session.GetOrCreateKey(suite, length, policy.KeyGenerator);
                var key = new SdpCryptoKey("inline", Convert.ToBase64String(bytes));
                m.AddAttribute("crypto", new SdpCrypto(tag, suite, [key], []).ToString());
                cryptos[tag] = (key, bytes, suite);
                tag++;
            }
        }
        m.AddAttribute(policy.LocalDirection.ToAttributeName());
        sdp.Media.Add(m);
        session.Stamp(sdp, policy.LocalAddress);
        return new SdpOffer(sdp, payloadTypes, cryptos, policy.LocalDirection);
    }

    /// <summary>
    /// RFC 4733 §2.1: events share the audio clock, so telephone-event is offered once per distinct clock
    /// rate of the audio codecs (e.g. /8000 for G.711 and /48000 for Opus), each on a free dynamic PT.
    /// </summary>
    private static List<SdpCodec> ExpandTelephoneEvents(IReadOnlyList<SdpCodec> codecs)
    {
        var audio = codecs.Where(c => !c.IsTelephoneEvent).ToList();
        var te = codecs.FirstOrDefault(c => c.IsTelephoneEvent);
        if (te is null)
        {
            return audio;
        }
        var used = new HashSet<int>(audio.Select(c => c.OfferPayloadType));
        var result = new List<SdpCodec>(audio);
        var rates = audio.Select(c => c.ClockRate).Distinct().ToList();
        if (rates.Count == 0)
        {
            rates.Add(te.ClockRate);
        }
        // The configured rate keeps the configured PT; other rates get the next free dynamic numbers.
        rates.Sort((a, b) => (a == te.ClockRate ? 0 : 1).CompareTo(b == te.ClockRate ? 0 : 1));
        var next = te.DynamicPayloadType;
        foreach (var rate in rates)
        {
            while (used.Contains(next) || next is < 96 or > 127)
            {
                next = next >= 127 ? 96 : next + 1;
            }
            used.Add(next);
            result.Add(te with { ClockRate = rate, DynamicPayloadType = next });
        }
        return result;
    }

    /// <summary>
    /// Checks the answer to <paramref name="offer"/> and extracts the negotiated media. A rejection here
    /// means the call cannot proceed: the UAC acknowledges the 2xx and sends BYE (RFC 3261 §13.2.2.4),
    /// or answers a re-INVITE's failure accordingly; <see cref="SdpNegotiationResult.Detail"/> says why.
    /// </summary>
    public static SdpNegotiationResult ProcessAnswer(SdpOffer offer, SdpSessionDescription answer, SdpMediaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(policy);
        var offered = offer.Description.Media;
        if (answer.Media.Count != offered.Count)
        {
            // RFC 3264 §6: the answer has exactly as many m= lines as the offer.
            return SdpNegotiationResult.Rejected($"answer has {answer.Media.Count} m= lines, offer had {offered.Count}");
        }
        var m = answer.Media[0];
        if (m.Port == 0)
        {
            return SdpNegotiationResult.Rejected("audio stream rejected by the peer");
        }
        if (!string.Equals(m.Protocol, offered[0].Protocol, StringComparison.OrdinalIgnoreCase))
        {
            return SdpNegotiationResult.Rejected($"answer changed the transport to {m.Protocol}");
        }
        if (!SdpNegotiation.TryGetRemoteAddress(answer, m, out var address, out var problem))
        {
            return SdpNegotiationResult.Rejected(problem!);
        }

        SrtpParameters? srtp = null;
        foreach (var c in m.Cryptos)
        {
            if (offer.Cryptos.TryGetValue(c.Tag, out var ours) && c.Suite == ours.Suite
                && SdpNegotiation.TryUseCrypto(c, [ours.Suite], out var remoteKey))
            {
                srtp = new SrtpParameters(c.Suite, c.Tag, c.Keys[0], remoteKey!, ours.Key, ours.Bytes);
                break;
            }
        }
        if (srtp is null && (m.IsSecureProfile || policy.Srtp == SrtpPolicy.Required))
        {
            return SdpNegotiationResult.Rejected("answer has no acceptable a=crypto for SRTP");
        }

        NegotiatedCodec? codec = null;
        var telephoneEvents = new List<(int Pt, int Rate)>();
        var maps = m.RtpMaps.ToList();
        foreach (var f in m.Formats)
        {
            if (!SdpText.TryParsePayloadType(f, out var pt))
            {
                continue;
            }
            // Match by the answer's rtpmap when present (RFC 3264 §6.1 allows the answerer its own numbers
            // for receiving), else by our offered number.
            var map = maps.FirstOrDefault(r => r.PayloadType == pt);
            var ours = map is not null
                ? offer.PayloadTypes.Values.FirstOrDefault(c => c.Matches(map))
                : offer.PayloadTypes.GetValueOrDefault(pt);
            if (ours is null)
            {
                continue;
            }
            if (ours.IsTelephoneEvent)
            {
                telephoneEvents.Add((pt, ours.ClockRate));
            }
            else if (codec is null)
            {
                codec = new NegotiatedCodec(ours.Name, pt, ours.ClockRate, ours.Channels, m.GetFmtp(f), ours.Fmtp);
            }
        }
        if (codec is null)
        {
            return SdpNegotiationResult.Rejected("answer contains none of the offered codecs");
        }
        int? telephoneEvent = telephoneEvents.Where(t => t.Rate == codec.ClockRate).Select(t => (int?)t.Pt).FirstOrDefault();

        var legacyHold = answer.ConnectionFor(m)!.IsNullAddress;
        var answered = answer.DirectionFor(m);
        if (legacyHold)
        {
            answered = answered.Intersect(SdpDirection.SendOnly);
        }
        var direction = answered.Reverse().Intersect(offer.Direction);
        var rtcpMux = policy.RtcpMux && m.RtcpMux;
        var remoteRtp = new IPEndPoint(address!, m.Port);
        return SdpNegotiationResult.Accepted(null, new NegotiatedMedia(
            0,
            remoteRtp,
            SdpNegotiation.RemoteRtcp(m, remoteRtp, rtcpMux),
            rtcpMux,
            codec,
            telephoneEvent,
            SdpNegotiation.SendPtime(m, policy),
            direction,
            !answered.CanReceive(),
            srtp));
    }
}
