using System.Security.Cryptography;
using System.Text;

namespace Broadsheet.Privacy;

/// <summary>
/// Seals the secret part of each of the admin's data-protection keys (the keys behind sign-in cookies and form tokens)
/// before it is stored in the database, under a sub-key of the privacy master key. The master never enters the
/// database, so a copy of the database alone cannot forge a sign-in cookie.
/// </summary>
public sealed class KeyRingSealer(PrivacyKeys keys)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize;

    // Bound into every seal, so a value sealed here can never be passed off as anything else sealed under a key
    // derived the same way, and the version byte cannot be switched to steer a reader to another format.
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("\u0001broadsheet/data-protection-key");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PrivacyKeys _keys = keys ?? throw new ArgumentNullException(nameof(keys));

    /// <summary>Base64 of version 1 ‖ nonce (12) ‖ ciphertext ‖ tag (16).</summary>
    public string Seal(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plaintext = StrictUtf8.GetBytes(secret);
        var output = new byte[HeaderSize + plaintext.Length + TagSize];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);

        // A fresh random nonce per seal: a key is sealed once, when it is made, a few times a year.
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(_keys.KeyRingKey, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize, plaintext.Length), output.AsSpan(HeaderSize + plaintext.Length, TagSize), Context);
            return Convert.ToBase64String(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <exception cref="CryptographicException">The value was altered, is not ours, or was sealed under another master key.</exception>
    public string Open(string sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(sealedSecret);

        // Every malformed input fails like a failed tag check, so callers need one notion of "cannot be opened".
        byte[] input;
        try
        {
            input = Convert.FromBase64String(sealedSecret);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The sealed key is not in a known format.", e);
        }

        if (input.Length < HeaderSize + TagSize || input[0] != Version)
        {
            throw new CryptographicException("The sealed key is not in a known format.");
        }

        var length = input.Length - HeaderSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(_keys.KeyRingKey, TagSize);
            aes.Decrypt(input.AsSpan(1, NonceSize), input.AsSpan(HeaderSize, length), input.AsSpan(HeaderSize + length, TagSize), plaintext, Context);
            return StrictUtf8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
