namespace Tolk.Media.Srtp;

/// <summary>
/// Direct access to libsrtp's AES counter-mode cipher (RFC 3711 §4.1.1), used to check the library's
/// keystream against RFC 3711 Appendix B.2 and to diagnose interoperability problems.
/// </summary>
public static class SrtpCipherProbe
{
    /// <summary>
    /// Produces AES-CM keystream for a 16-byte session key and 14-byte session salt, with the
    /// counter's SSRC/index part given by <paramref name="iv"/> (16 bytes, XORed with the salt by the library).
    /// </summary>
    public static unsafe void AesCmKeystream(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt,
        ReadOnlySpan<byte> iv, Span<byte> keystream)
    {
        if (sessionKey.Length != 16 || sessionSalt.Length != 14 || iv.Length != 16)
        {
            throw new ArgumentException("AES-CM-128 needs a 16-byte key, a 14-byte salt and a 16-byte IV");
        }

        SrtpNative.EnsureInitialised();
        Span<byte> key = stackalloc byte[30];
        sessionKey.CopyTo(key);
        sessionSalt.CopyTo(key[16..]);
        Span<byte> ivCopy = stackalloc byte[16];
        iv.CopyTo(ivCopy);
        var status = SrtpNative.AllocCipher(SrtpNative.CipherAesIcm128, out var cipher, 30, 0);
        if (status != SrtpNative.ErrOk)
        {
            throw new InvalidOperationException($"srtp_crypto_kernel_alloc_cipher failed with status {status}");
        }

        try
        {
            keystream.Clear();
            fixed (byte* k = key)
            fixed (byte* v = ivCopy)
            fixed (byte* o = keystream)
            {
                Check(SrtpNative.CipherInit(cipher, k), "srtp_cipher_init");
                Check(SrtpNative.CipherSetIv(cipher, v, SrtpNative.DirectionEncrypt), "srtp_cipher_set_iv");
                var length = (uint)keystream.Length;
                Check(SrtpNative.CipherEncrypt(cipher, o, ref length), "srtp_cipher_encrypt");
            }
        }
        finally
        {
            _ = SrtpNative.CipherDealloc(cipher);
        }
    }

    private static void Check(int status, string what)
    {
        if (status != SrtpNative.ErrOk)
        {
            throw new InvalidOperationException($"{what} failed with status {status}");
        }
    }
}
