using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Broadsheet.Privacy;

/// <summary>
/// Compact URL-safe signed tokens (confirm, unsubscribe, manage links):
/// base64url(version ‖ purpose length ‖ purpose ‖ subject id ‖ expiry ‖ nonce) "." base64url(truncated HMAC).
/// </summary>
public sealed class TokenSigner(PrivacyKeys keys, TimeProvider time)
{
    private const byte Version = 1;
    private const int MaxPurposeBytes = byte.MaxValue;
    private const int FixedTailSize = sizeof(long) + sizeof(long) + 16;
    private const int MinPayloadSize = 2 + 1 + FixedTailSize;
    private const int MaxPayloadSize = 2 + MaxPurposeBytes + FixedTailSize;
    private const int SignatureSize = 16;

    // 16 bytes of base64url without padding.
    private const int SignatureChars = 22;

    // The longest token we can issue (a 255-byte purpose) is about 410 characters, so anything
    // longer is refused before any work is done on it.
    private const int MaxTokenChars = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PrivacyKeys _keys = keys ?? throw new ArgumentNullException(nameof(keys));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <param name="lifetime">Null for a token that never expires, e.g. an unsubscribe link that must keep working.</param>
    public string Create(string purpose, long subjectId, TimeSpan? lifetime, Guid? nonce = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        var purposeBytes = StrictUtf8.GetBytes(purpose);
        if (purposeBytes.Length > MaxPurposeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), $"A token purpose is at most {MaxPurposeBytes} UTF-8 bytes.");
        }

        long expiresAt = 0;
        if (lifetime is { } span)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero, nameof(lifetime));
            expiresAt = _time.GetUtcNow().Add(span).ToUnixTimeSeconds();
        }

        var payload = new byte[2 + purposeBytes.Length + FixedTailSize];
        payload[0] = Version;
        payload[1] = (byte)purposeBytes.Length;
        purposeBytes.CopyTo(payload.AsSpan(2));
        var tail = payload.AsSpan(2 + purposeBytes.Length);
        BinaryPrimitives.WriteInt64BigEndian(tail, subjectId);
        BinaryPrimitives.WriteInt64BigEndian(tail[8..], expiresAt);
        if (nonce is { } given)
        {
            given.TryWriteBytes(tail[16..], bigEndian: true, out _);
        }
        else
        {
            // OpenSSL's generator, in this process: Guid.NewGuid reads /dev/urandom, a system call for every reader's
            // link in a send (bench/send).
            RandomNumberGenerator.Fill(tail[16..]);
        }

        var body = Base64Url.EncodeToString(payload);
        return body + "." + Base64Url.EncodeToString(Sign(body));
    }

    /// <summary>
    /// The payload of a genuine, unexpired token for <paramref name="purpose"/>; null for anything
    /// else. Never throws on the token, since it comes straight from a URL.
    /// </summary>
    public TokenPayload? Validate(string? token, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);

        if (token is null || token.Length > MaxTokenChars)
        {
            return null;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length - dot - 1 != SignatureChars)
        {
            return null;
        }

        var body = token.AsSpan(0, dot);
        var signature = token.AsSpan(dot + 1);

        // Restricting to the alphabet up front keeps the decoder from tolerating whitespace or
        // padding, and lets the signature be compared as ASCII.
        if (!IsBase64UrlAlphabet(body) || !IsBase64UrlAlphabet(signature))
        {
            return null;
        }

        // Comparing the canonical encoding, not decoded bytes, means a signature whose unused
        // trailing bits were changed is refused as well: every accepted token has one spelling.
        Span<byte> expected = stackalloc byte[SignatureChars];
        Base64Url.EncodeToUtf8(Sign(body), expected);
        Span<byte> given = stackalloc byte[SignatureChars];
        for (var i = 0; i < SignatureChars; i++)
        {
            given[i] = (byte)signature[i];
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return null;
        }

        // Past this point the bytes are ours, but they are still parsed defensively so a future
        // format or key mix-up yields null, not an exception.
        Span<byte> payload = stackalloc byte[Base64Url.GetMaxDecodedLength(MaxTokenChars)];
        if (!Base64Url.TryDecodeFromChars(body, payload, out var length) || length < MinPayloadSize || length > MaxPayloadSize)
        {
            return null;
        }

        payload = payload[..length];
        int purposeLength = payload[1];
        if (payload[0] != Version || purposeLength == 0 || length != 2 + purposeLength + FixedTailSize)
        {
            return null;
        }

        var tokenPurpose = payload.Slice(2, purposeLength);
        if (!Utf8.IsValid(tokenPurpose))
        {
            return null;
        }

        var decodedPurpose = StrictUtf8.GetString(tokenPurpose);
        if (!string.Equals(decodedPurpose, purpose, StringComparison.Ordinal))
        {
            return null;
        }

        var tail = payload[(2 + purposeLength)..];
        var subjectId = BinaryPrimitives.ReadInt64BigEndian(tail);
        var expirySeconds = BinaryPrimitives.ReadInt64BigEndian(tail[8..]);
        var nonce = new Guid(tail.Slice(16, 16), bigEndian: true);

        DateTimeOffset? expiresAt = null;
        if (expirySeconds != 0)
        {
            if (expirySeconds < 0 || expirySeconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return null;
            }

            expiresAt = DateTimeOffset.FromUnixTimeSeconds(expirySeconds);
            if (_time.GetUtcNow() >= expiresAt.Value)
            {
                return null;
            }
        }

        return new TokenPayload(decodedPurpose, subjectId, expiresAt, nonce);
    }

    private static bool IsBase64UrlAlphabet(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private byte[] Sign(ReadOnlySpan<char> body)
    {
        // The MAC covers the encoded text exactly as it travels, so any change to any character
        // of the body, including ones that decode to the same bytes, invalidates the token.
        Span<byte> ascii = stackalloc byte[body.Length];
        for (var i = 0; i < body.Length; i++)
        {
            ascii[i] = (byte)body[i];
        }

        return HMACSHA256.HashData(_keys.TokenKey, ascii)[..SignatureSize];
    }
}
