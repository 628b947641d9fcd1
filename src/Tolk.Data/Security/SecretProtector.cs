using System.Security.Cryptography;
using System.Text;

namespace Tolk.Data.Security;

/// <summary>
/// Encrypts secrets that must be read back in the clear (webhook signing secrets, which HMAC needs) with
/// AES-256-GCM, so a copy of the database alone does not reveal them. Stored form:
/// <c>enc:v1:</c> + base64(nonce ‖ ciphertext ‖ tag). The key comes from <c>Tolk:Data:SecretKey</c>
/// (base64 of 32 bytes) or, when that is unset, from <c>secrets.key</c> in the data directory, created on
/// first use with owner-only permissions. Values without the prefix (written before encryption existed)
/// are read as plain text and encrypted on their next save.
/// </summary>
public sealed class SecretProtector
{
    private const string Prefix = "enc:v1:";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    /// <summary>Creates a protector with a 32-byte key.</summary>
    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The secret key must be 32 bytes (AES-256).", nameof(key));
        }

        _key = key;
    }

    /// <summary>Loads the key from the options (configured key, else the data directory's key file).</summary>
    public static SecretProtector FromOptions(TolkDataOptions options)
    {
        if (!string.IsNullOrEmpty(options.SecretKey))
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(options.SecretKey);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException("Tolk:Data:SecretKey must be base64 of 32 random bytes.", ex);
            }

            return new SecretProtector(key);
        }

        var path = Path.Combine(options.Directory, "secrets.key");
        System.IO.Directory.CreateDirectory(options.Directory);
        if (!File.Exists(path))
        {
            try
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, fileOptions);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        return new SecretProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>True when <paramref name="stored"/> is in the encrypted form.</summary>
    public static bool IsProtected(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>Encrypts a secret for storage (a fresh random nonce each time).</summary>
    public string Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var blob = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = blob.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, blob.AsSpan(NonceBytes, plain.Length), blob.AsSpan(NonceBytes + plain.Length), AssociatedData);
        return Prefix + Convert.ToBase64String(blob);
    }

    /// <summary>
    /// Decrypts a stored secret. Plain (legacy) values come back unchanged; a value that fails
    /// authentication (wrong key, tampered) throws <see cref="CryptographicException"/>.
    /// </summary>
    public string Unprotect(string stored)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(stored[Prefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("The stored secret is not valid base64.", ex);
        }

        if (blob.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The stored secret is too short.");
        }

        var length = blob.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(blob.AsSpan(0, NonceBytes), blob.AsSpan(NonceBytes, length), blob.AsSpan(NonceBytes + length), plain, AssociatedData);
        return Encoding.UTF8.GetString(plain);
    }

    // Binds ciphertexts to their purpose, so one cannot be swapped into a different kind of field later.
    private static ReadOnlySpan<byte> AssociatedData => "tolk-secret-v1"u8;
}
