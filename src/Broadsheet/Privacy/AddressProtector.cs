using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Broadsheet.Privacy;

/// <summary>
/// Encrypts subscriber addresses at rest and makes the keyed hashes that let us find or refuse an
/// address without storing it in the clear.
/// </summary>
public sealed class AddressProtector(PrivacyKeys keys) : IDisposable
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize;
    private const int IpHashSize = 16;

    /// <summary>
    /// The blind index is HMAC-SHA256 cut to its first 128 bits: no chance collision in any real list, and half
    /// the width of the unique index every signup and import writes into (bench/import: the smaller B-tree is
    /// about a tenth faster to fill at a million rows).
    /// </summary>
    public const int BlindIndexSize = 16;

    // Nonces are taken from a per-thread buffer of CSPRNG bytes, each byte used once, instead of one call into
    // OpenSSL per encryption (two per imported row).
    private const int NonceBufferSize = NonceSize * 64;

    // Strict, so corrupted plaintext can never turn into a plausible-looking address.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PrivacyKeys _keys = keys ?? throw new ArgumentNullException(nameof(keys));

    // Setting up an AES-GCM context was half the cost of an encryption on the import's hot path, so contexts are
    // reused, each lent to one call at a time (an AesGcm instance is not safe to share between threads); the same for
    // the two keyed hashes, where a one-shot HMAC sets up and frees a context on every call. ContextPool says why not
    // one per thread. Each holds native OpenSSL state with the key, freed by Dispose, not left to the finaliser.
    private readonly ContextPool<AesGcm> _aes = new(() => new AesGcm(keys.AddressEncryptionKey, TagSize));
    private readonly ContextPool<IncrementalHash> _blindIndex = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.BlindIndexKey));
    private readonly ContextPool<IncrementalHash> _suppression = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.SuppressionKey));

    // No key in it, so one per thread is harmless: the values of finished threads are collected.
    private readonly ThreadLocal<NonceSource> _nonces = new(() => new NonceSource());

    /// <summary>How many AES-GCM and HMAC contexts have been made so far (for tests): about as many as are used at once.</summary>
    internal int ContextsMade => _aes.Made + _blindIndex.Made + _suppression.Made;

    public void Dispose()
    {
        _aes.Dispose();
        _blindIndex.Dispose();
        _suppression.Dispose();
        _nonces.Dispose();
    }

    /// <summary>Returns version 1 ‖ nonce (12) ‖ ciphertext ‖ tag (16).</summary>
    public byte[] Encrypt(string address)
    {
        ArgumentNullException.ThrowIfNull(address);

        var plaintext = StrictUtf8.GetBytes(address);
        var output = new byte[HeaderSize + plaintext.Length + TagSize];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);

        // A random nonce per encryption: 96 bits keeps the chance of a repeat (which would break
        // AES-GCM) negligible for any realistic number of subscribers.
        _nonces.Value!.Next(nonce);

        var aes = _aes.Get();
        try
        {
            // The version byte is authenticated too, so it cannot be switched to steer a future
            // reader to another format.
            aes.Encrypt(
                nonce,
                plaintext,
                output.AsSpan(HeaderSize, plaintext.Length),
                output.AsSpan(HeaderSize + plaintext.Length, TagSize),
                output.AsSpan(0, 1));
        }
        finally
        {
            _aes.Return(aes);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return output;
    }

    /// <exception cref="CryptographicException">The value was altered, is not ours, or was made with another key.</exception>
    public string Decrypt(byte[] protectedAddress)
    {
        ArgumentNullException.ThrowIfNull(protectedAddress);

        // Every malformed input fails the same way as a failed tag check, so callers need only
        // one notion of "cannot be read".
        if (protectedAddress.Length < HeaderSize + TagSize || protectedAddress[0] != Version)
        {
            throw new CryptographicException("The protected address is not in a known format.");
        }

        var ciphertextLength = protectedAddress.Length - HeaderSize - TagSize;
        var plaintext = new byte[ciphertextLength];
        var aes = _aes.Get();
        try
        {
            aes.Decrypt(
                protectedAddress.AsSpan(1, NonceSize),
                protectedAddress.AsSpan(HeaderSize, ciphertextLength),
                protectedAddress.AsSpan(HeaderSize + ciphertextLength, TagSize),
                plaintext,
                protectedAddress.AsSpan(0, 1));
            return StrictUtf8.GetString(plaintext);
        }
        finally
        {
            _aes.Return(aes);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// The lookup key for an address; deterministic, so the caller must normalise the address
    /// first or the same reader will not be found twice.
    /// </summary>
    public byte[] BlindIndex(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        return Mac(_blindIndex, normalizedAddress, BlindIndexSize);
    }

    /// <summary>
    /// Keyed apart from the blind index so suppression entries, which outlive the subscriber
    /// after erasure, cannot be joined back to a subscriber row or a later re-subscription.
    /// </summary>
    public byte[] SuppressionHash(string normalizedAddress)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        return Mac(_suppression, normalizedAddress, HMACSHA256.HashSizeInBytes);
    }

    private static byte[] Mac(ContextPool<IncrementalHash> contexts, string text, int size)
    {
        var bytes = StrictUtf8.GetBytes(text);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = contexts.Get();
        try
        {
            hmac.AppendData(bytes);
            // GetHashAndReset leaves the keyed context ready for its next borrower.
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            // Never lent again: data appended without the reset would be prefixed to the next borrower's address.
            hmac.Dispose();
            throw;
        }

        contexts.Return(hmac);
        return mac[..size].ToArray();
    }

    /// <summary>One thread's buffer of random bytes for nonces; every byte is handed out once.</summary>
    private sealed class NonceSource
    {
        private readonly byte[] _buffer = new byte[NonceBufferSize];
        private int _used = NonceBufferSize;

        public void Next(Span<byte> nonce)
        {
            if (_used + nonce.Length > _buffer.Length)
            {
                RandomNumberGenerator.Fill(_buffer);
                _used = 0;
            }

            _buffer.AsSpan(_used, nonce.Length).CopyTo(nonce);
            _used += nonce.Length;
        }
    }

    /// <summary>
    /// What consent records store instead of the IP. Keyed, because the IPv4 space is small
    /// enough that a plain hash could be reversed by trying every address.
    /// </summary>
    public byte[] HashIp(string ip)
    {
        ArgumentNullException.ThrowIfNull(ip);

        // One address written two ways (an IPv4-mapped IPv6 form, IPv6 zero compression, case)
        // must give one hash, or evidence of the same source would not match.
        var trimmed = ip.Trim();
        var canonical = IPAddress.TryParse(trimmed, out var parsed)
            ? (parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed).ToString()
            : trimmed;

        var mac = HMACSHA256.HashData(_keys.IpKey, StrictUtf8.GetBytes(canonical));
        return mac[..IpHashSize];
    }
}
