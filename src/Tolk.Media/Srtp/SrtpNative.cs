using System.Runtime.InteropServices;

namespace Tolk.Media.Srtp;

/// <summary>P/Invoke surface of libsrtp 2.x (Debian libsrtp2-1).</summary>
internal static partial class SrtpNative
{
    private const string Library = "libsrtp2.so.1";

    // srtp_ssrc_type_t
    internal const int SsrcAnyInbound = 2;
    internal const int SsrcAnyOutbound = 3;

    // srtp_err_status_t values used for mapping.
    internal const int ErrOk = 0;
    internal const int ErrAuthFail = 7;
    internal const int ErrReplayFail = 9;
    internal const int ErrReplayOld = 10;

    // srtp_cipher_type_id_t / direction for the raw cipher API.
    internal const uint CipherAesIcm128 = 1;
    internal const int DirectionEncrypt = 0;

    [StructLayout(LayoutKind.Sequential)]
    internal struct CryptoPolicy
    {
        public uint CipherType;
        public int CipherKeyLength;
        public uint AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    /// <summary>srtp_policy_t of libsrtp 2.x.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public byte* Key;
        public nint Keys;
        public nuint NumMasterKeys;
        public nint DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public nint EncXtnHdr;
        public int EncXtnHdrCount;
        public nint Next;
    }

    [LibraryImport(Library, EntryPoint = "srtp_init")]
    internal static partial int Init();

    [LibraryImport(Library, EntryPoint = "srtp_create")]
    internal static unsafe partial int Create(out nint session, Policy* policy);

    [LibraryImport(Library, EntryPoint = "srtp_dealloc")]
    internal static partial int Dealloc(nint session);

    [LibraryImport(Library, EntryPoint = "srtp_protect")]
    internal static unsafe partial int Protect(nint session, byte* packet, ref int length);

    [LibraryImport(Library, EntryPoint = "srtp_unprotect")]
    internal static unsafe partial int Unprotect(nint session, byte* packet, ref int length);

    [LibraryImport(Library, EntryPoint = "srtp_protect_rtcp")]
    internal static unsafe partial int ProtectRtcp(nint session, byte* packet, ref int length);

    [LibraryImport(Library, EntryPoint = "srtp_unprotect_rtcp")]
    internal static unsafe partial int UnprotectRtcp(nint session, byte* packet, ref int length);

    [LibraryImport(Library, EntryPoint = "srtp_crypto_policy_set_rtp_default")]
    internal static partial void SetAesCm128HmacSha1_80(ref CryptoPolicy policy);

    [LibraryImport(Library, EntryPoint = "srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32")]
    internal static partial void SetAesCm128HmacSha1_32(ref CryptoPolicy policy);

    [LibraryImport(Library, EntryPoint = "srtp_crypto_policy_set_aes_gcm_128_16_auth")]
    internal static partial void SetAesGcm128_16(ref CryptoPolicy policy);

    // The raw cipher API lets tests run RFC 3711 B.2 through the library's own AES-CM.
    [LibraryImport(Library, EntryPoint = "srtp_crypto_kernel_alloc_cipher")]
    internal static partial int AllocCipher(uint id, out nint cipher, int keyLength, int tagLength);

    [LibraryImport(Library, EntryPoint = "srtp_cipher_init")]
    internal static unsafe partial int CipherInit(nint cipher, byte* key);

    [LibraryImport(Library, EntryPoint = "srtp_cipher_set_iv")]
    internal static unsafe partial int CipherSetIv(nint cipher, byte* iv, int direction);

    [LibraryImport(Library, EntryPoint = "srtp_cipher_encrypt")]
    internal static unsafe partial int CipherEncrypt(nint cipher, byte* buffer, ref uint length);

    [LibraryImport(Library, EntryPoint = "srtp_cipher_dealloc")]
    internal static partial int CipherDealloc(nint cipher);

    private static readonly Lazy<int> InitResult = new(Init);

    /// <summary>Initialises the library once per process.</summary>
    internal static void EnsureInitialised()
    {
        if (InitResult.Value != ErrOk)
        {
            throw new InvalidOperationException($"srtp_init failed with status {InitResult.Value}");
        }
    }
}
