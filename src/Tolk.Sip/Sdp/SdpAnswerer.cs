using System.Globalization;
using System.Net;

namespace Tolk.Sip.Sdp;

/// <summary>
/// The answerer side of RFC 3264: accepts the first usable audio stream of a remote offer and rejects
/// every other m= line with port 0, in the offer's order (RFC 3264 §6).
/// </summary>
public static class SdpAnswerer
{
    /// <summary>
    /// Answers <paramref name="offer"/> under <paramref name="policy"/>. On success the result carries the
    /// answer (o= stamped from <paramref name="session"/>) and the negotiated media; otherwise 488 and why.
    /// Never throws for any offer content.
    /// </summary>
    public static SdpNegotiationResult Answer(SdpSessionDescription offer, SdpMediaPolicy policy, SdpLocalSession session)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(session);

        var answer = new SdpSessionDescription
        {
            SessionName = policy.SessionName,
            Connection = SdpConnection.For(policy.LocalAddress),
        };
        // RFC 3264 §6: the t= line of the answer must equal the offer's.
        answer.Timings.AddRange(offer.Timings);

        NegotiatedMedia? negotiated = null;
        string? lastProblem = null;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (negotiated is null && m.Port != 0 && m.Media == "audio")
            {
                if (TryAnswerAudio(offer, m, i, policy, session, out var answered, out var media, out var problem))
                {
                    answer.Media.Add(answered!);
                    negotiated = media;
                    continue;
                }
                lastProblem = problem;
            }
            answer.Media.Add(Rejected(m));
        }
        if (negotiated is null)
        {
            return SdpNegotiationResult.Rejected(lastProblem ?? "no audio stream offered");
        }
        session.Stamp(answer, policy.LocalAddress);
        return SdpNegotiationResult.Accepted(answer, negotiated);
    }

    /// <summary>RFC 3264 §6: a rejected stream is answered with port 0 and the offered formats.</summary>
    internal static SdpMediaDescription Rejected(SdpMediaDescription offered)
    {
        var m = new SdpMediaDescription { Media = offered.Media, Port = 0, Protocol = offered.Protocol };
        m.Formats.AddRange(offered.Formats);
        return m;
    }

    private static bool TryAnswerAudio(SdpSessionDescription offer, SdpMediaDescription m, int index, SdpMediaPolicy policy,
        SdpLocalSession session, out SdpMediaDescription? answered, out NegotiatedMedia? media, out string? problem)
    {
        answered = null;
        media = null;
        if (!SdpNegotiation.TryGetRemoteAddress(offer, m, out var remoteAddress, out problem))
        {
            return false;
        }
        if (!TryChooseCrypto(m, policy, out var crypto, out problem))
        {
            return false;
        }
        if (!TryChooseCodec(m, policy, out var codec, out var codecPt, out var telephoneEventPt, out var teCodec, out problem))
        {
            return false;
        }

        var legacyHold = offer.ConnectionFor(m)!.IsNullAddress;
        var offered = offer.DirectionFor(m);
        if (legacyHold)
        {
            // RFC 3264 §8.4: c=0.0.0.0 is RFC 2543 hold — the offerer does not want to receive.
            offered = offered.Intersect(SdpDirection.SendOnly);
        }
        var ours = offered.Reverse().Intersect(policy.LocalDirection);
        var rtcpMux = policy.RtcpMux && m.RtcpMux;

        var a = new SdpMediaDescription { Media = "audio", Port = policy.LocalRtpPort, Protocol = m.Protocol };
        a.Formats.Add(codecPt.ToString(CultureInfo.InvariantCulture));
        a.AddAttribute("rtpmap", new SdpRtpMap(codecPt, codec!.Name, codec.ClockRate, codec.Channels > 1 ? codec.Channels : null).ToString());
        if (codec.Fmtp is not null)
        {
            a.AddAttribute("fmtp", new SdpFmtp(codecPt.ToString(CultureInfo.InvariantCulture), codec.Fmtp).ToString());
        }
        if (telephoneEventPt is { } tePt)
        {
            var pt = tePt.ToString(CultureInfo.InvariantCulture);
            a.Formats.Add(pt);
            a.AddAttribute("rtpmap", new SdpRtpMap(tePt, "telephone-event", teCodec!.ClockRate).ToString());
            a.AddAttribute("fmtp", new SdpFmtp(pt, teCodec.Fmtp ?? "0-15").ToString());
        }
        a.AddAttribute("ptime", policy.Ptime.ToString(CultureInfo.InvariantCulture));
        if (rtcpMux)
        {
            a.AddAttribute("rtcp-mux");
        }
        SrtpParameters? srtp = null;
        if (crypto is not null)
        {
            var (remote, remoteKey) = crypto.Value;
            var localBytes = session.GetOrCreateKey(remote.Suite, SrtpCryptoSuites.KeySaltLength(remote.Suite), policy.KeyGenerator);
            var localKey = new SdpCryptoKey("inline", Convert.ToBase64String(localBytes));
            // RFC 4568 §7.1.2: the answer carries the accepted tag and suite with the answerer's own key.
            a.AddAttribute("crypto", new SdpCrypto(remote.Tag, remote.Suite, [localKey], []).ToString());
            srtp = new SrtpParameters(remote.Suite, remote.Tag, remote.Keys[0], remoteKey, localKey, localBytes);
        }
        a.AddAttribute(ours.ToAttributeName());

        var remoteRtp = new IPEndPoint(remoteAddress!, m.Port);
        media = new NegotiatedMedia(
            index,
            remoteRtp,
            SdpNegotiation.RemoteRtcp(m, remoteRtp, rtcpMux),
            rtcpMux,
            new NegotiatedCodec(codec.Name, codecPt, codec.ClockRate, codec.Channels, m.GetFmtp(codecPt.ToString(CultureInfo.InvariantCulture)), codec.Fmtp),
            telephoneEventPt,
            SdpNegotiation.SendPtime(m, policy),
            ours,
            !offered.CanReceive(),
            srtp);
        answered = a;
        return true;
    }

    private static bool TryChooseCrypto(SdpMediaDescription m, SdpMediaPolicy policy, out (SdpCrypto Crypto, byte[] Key)? chosen, out string? problem)
    {
        chosen = null;
        problem = null;
        if (m.IsDtlsProfile)
        {
            problem = $"{m.Protocol} (DTLS-SRTP) is not supported; use RTP/SAVP with a=crypto";
            return false;
        }
        if (!m.IsRtp)
        {
            problem = $"transport {m.Protocol} is not RTP";
            return false;
        }
        var secure = m.IsSecureProfile;
        if (secure && policy.Srtp == SrtpPolicy.Forbidden)
        {
            problem = "SRTP offered but not allowed here";
            return false;
        }
        // RTP/AVP with a=crypto is "best effort" SRTP (as baresip's mediaenc=srtp sends): honour it when allowed.
        if (policy.Srtp != SrtpPolicy.Forbidden)
        {
            chosen = SdpNegotiation.ChooseOfferedCrypto(m, policy);
        }
        if (chosen is null && secure)
        {
            problem = $"no acceptable a=crypto (supported: {string.Join(", ", policy.CryptoSuites)})";
            return false;
        }
        if (chosen is null && policy.Srtp == SrtpPolicy.Required)
        {
            problem = "SRTP required but plain RTP offered";
            return false;
        }
        return true;
    }

    private static bool TryChooseCodec(SdpMediaDescription m, SdpMediaPolicy policy, out SdpCodec? codec, out int payloadType,
        out int? telephoneEventPt, out SdpCodec? teCodec, out string? problem)
    {
        codec = null;
        payloadType = -1;
        telephoneEventPt = null;
        teCodec = null;
        problem = null;
        var offered = SdpNegotiation.OfferedRtpMaps(m);
        // Our preference decides among the offered codecs; the payload type stays the offerer's (RFC 3264 §6.1).
        foreach (var candidate in policy.Codecs)
        {
            if (candidate.IsTelephoneEvent)
            {
                continue;
            }
            var match = offered.FirstOrDefault(candidate.Matches);
            if (match is not null)
            {
                codec = candidate;
                payloadType = match.PayloadType;
                break;
            }
        }
        if (codec is null)
        {
            problem = "no common codec (offered: "
                + string.Join(", ", offered.Select(r => $"{r.EncodingName}/{r.ClockRate}")) + ")";
            return false;
        }
        // RFC 4733 §2.1: events use the audio stream's RTP clock, so only a telephone-event at that rate fits.
        var rate = codec.ClockRate;
        teCodec = policy.Codecs.FirstOrDefault(c => c.IsTelephoneEvent);
        if (teCodec is not null)
        {
            var te = offered.FirstOrDefault(r => string.Equals(r.EncodingName, "telephone-event", StringComparison.OrdinalIgnoreCase) && r.ClockRate == rate);
            if (te is not null)
            {
                telephoneEventPt = te.PayloadType;
                teCodec = teCodec with { ClockRate = rate };
            }
        }
        return true;
    }
}
