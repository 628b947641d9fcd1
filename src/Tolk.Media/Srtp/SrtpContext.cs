using System.Security.Cryptography;

namespace Tolk.Media.Srtp;

/// <summary>
/// One direction of SRTP and SRTCP for one crypto attribute, backed by a libsrtp session. An outbound
/// context protects, an inbound one unprotects (replay protection is per direction in libsrtp). All
/// operations work in place in the caller's buffer. Thread-safe (a lock around each native call).
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private readonly Lock _gate = new();
    private nint _session;

    private SrtpContext(SrtpProfile profile, nint session)
    {
        Profile = profile;
        _session = session;
    }

    /// <summary>The crypto suite.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>The libsrtp status of the last failed call (0 after success).</summary>
    public int LastNativeStatus { get; private set; }

    /// <summary>Creates a context that protects outgoing packets with <paramref name="keySalt"/>.</summary>
    public static SrtpContext CreateOutbound(SrtpProfile profile, ReadOnlySpan<byte> keySalt) =>
        Create(profile, keySalt, SrtpNative.SsrcAnyOutbound);

    /// <summary>Creates a context that unprotects incoming packets keyed by the peer's <paramref name="keySalt"/>.</summary>
    public static SrtpContext CreateInbound(SrtpProfile profile, ReadOnlySpan<byte> keySalt) =>
        Create(profile, keySalt, SrtpNative.SsrcAnyInbound);

    /// <summary>True when libsrtp can create a context for <paramref name="profile"/> (GCM needs a crypto backend).</summary>
    public static bool IsSupported(SrtpProfile profile)
    {
        try
        {
            using var probe = CreateOutbound(profile, new byte[SrtpProfiles.KeySaltLength(profile)]);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static unsafe SrtpContext Create(SrtpProfile profile, ReadOnlySpan<byte> keySalt, int ssrcType)
    {
        if (keySalt.Length != SrtpProfiles.KeySaltLength(profile))
        {
            throw new ArgumentException(
                $"{SrtpProfiles.SdpName(profile)} needs {SrtpProfiles.KeySaltLength(profile)} bytes of key||salt, got {keySalt.Length}",
                nameof(keySalt));
        }

        SrtpNative.EnsureInitialised();
        var policy = default(SrtpNative.Policy);
        switch (profile)
        {
            case SrtpProfile.AesCm128HmacSha1_80:
                SrtpNative.SetAesCm128HmacSha1_80(ref policy.Rtp);
                SrtpNative.SetAesCm128HmacSha1_80(ref policy.Rtcp);
                break;
            case SrtpProfile.AesCm128HmacSha1_32:
                // RFC 4568 §6.2.1: the _32 suite still uses an 80-bit tag for SRTCP.
                SrtpNative.SetAesCm128HmacSha1_32(ref policy.Rtp);
                SrtpNative.SetAesCm128HmacSha1_80(ref policy.Rtcp);
                break;
            default:
                SrtpNative.SetAesGcm128_16(ref policy.Rtp);
                SrtpNative.SetAesGcm128_16(ref policy.Rtcp);
                break;
        }

        policy.SsrcType = ssrcType;
        // A wider replay window than the default 128 tolerates the reordering seen on mobile paths.
        policy.WindowSize = 1024;
        // The key buffer is copied by srtp_create, so a stack copy is enough.
        Span<byte> key = stackalloc byte[keySalt.Length];
        keySalt.CopyTo(key);
        int status;
        nint session;
        fixed (byte* k = key)
        {
            policy.Key = k;
            status = SrtpNative.Create(out session, &policy);
        }

        CryptographicOperations.ZeroMemory(key);
        if (status != SrtpNative.ErrOk)
        {
            throw new CryptographicException($"srtp_create failed for {SrtpProfiles.SdpName(profile)} with status {status}");
        }

        return new SrtpContext(profile, session);
    }

    /// <summary>
    /// Protects the RTP packet occupying the first <paramref name="length"/> bytes of <paramref name="buffer"/>;
    /// the buffer needs <see cref="SrtpProfiles.RtpTrailerLength"/> spare bytes after it.
    /// </summary>
    public unsafe SrtpResult ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < 12 || buffer.Length < length + SrtpProfiles.RtpTrailerLength(Profile))
        {
            return SrtpResult.BufferTooSmall;
        }

        fixed (byte* p = buffer)
        {
            return Call(&SrtpNative.Protect, p, length, out protectedLength);
        }
    }

    /// <summary>Verifies and decrypts an SRTP packet in place; on success the plain RTP packet is <paramref name="plainLength"/> bytes.</summary>
    public unsafe SrtpResult UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length < 12 + SrtpProfiles.RtpTrailerLength(Profile) || length > buffer.Length)
        {
            return SrtpResult.BufferTooSmall;
        }

        fixed (byte* p = buffer)
        {
            return Call(&SrtpNative.Unprotect, p, length, out plainLength);
        }
    }

    /// <summary>Protects a (compound) RTCP packet in place; needs <see cref="SrtpProfiles.RtcpTrailerLength"/> spare bytes.</summary>
    public unsafe SrtpResult ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < 8 || buffer.Length < length + SrtpProfiles.RtcpTrailerLength(Profile))
        {
            return SrtpResult.BufferTooSmall;
        }

        fixed (byte* p = buffer)
        {
            return Call(&SrtpNative.ProtectRtcp, p, length, out protectedLength);
        }
    }

    /// <summary>Verifies and decrypts an SRTCP packet in place.</summary>
    public unsafe SrtpResult UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length < 8 + SrtpProfiles.RtcpTrailerLength(Profile) || length > buffer.Length)
        {
            return SrtpResult.BufferTooSmall;
        }

        fixed (byte* p = buffer)
        {
            return Call(&SrtpNative.UnprotectRtcp, p, length, out plainLength);
        }
    }

    private unsafe SrtpResult Call(delegate*<nint, byte*, ref int, int> op, byte* packet, int length, out int newLength)
    {
        int status;
        newLength = length;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_session == 0, this);
            status = op(_session, packet, ref newLength);
        }

        LastNativeStatus = status;
        if (status != SrtpNative.ErrOk)
        {
            newLength = 0;
        }

        return status switch
        {
            SrtpNative.ErrOk => SrtpResult.Ok,
            SrtpNative.ErrAuthFail => SrtpResult.AuthenticationFailed,
            SrtpNative.ErrReplayFail => SrtpResult.Replay,
            SrtpNative.ErrReplayOld => SrtpResult.ReplayTooOld,
            _ => SrtpResult.Failed,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_session != 0)
            {
                _ = SrtpNative.Dealloc(_session);
                _session = 0;
            }
        }
    }
}
