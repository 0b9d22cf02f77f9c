using System.Buffers;
using System.Security.Cryptography;
using Broadsheet.Privacy;
using Org.BouncyCastle.Crypto;

namespace Broadsheet.Delivery;

/// <summary>
/// The RSA-SHA256 signing context MimeKit's DKIM signer asks for, done by .NET's RSA (OpenSSL) instead of
/// BouncyCastle's managed big integers, which took about 60% of the CPU of a DKIM-signed send (bench/send).
/// MimeKit feeds in the canonicalised headers (a kilobyte or two); this hashes them and signs the hash with
/// PKCS#1 v1.5, as DKIM's rsa-sha256 requires. The key is borrowed from <paramref name="keys"/> for the signing only:
/// an RSA object is not documented as safe to share between threads, and one per thread would outlive the thread.
/// </summary>
internal sealed class OpenSslRsaSha256Signer(ContextPool<RSA> keys, int keySizeInBits) : ISigner
{
    private readonly ArrayBufferWriter<byte> _data = new(2048);

    public string AlgorithmName => "SHA-256withRSA";

    public void Init(bool forSigning, ICipherParameters parameters)
    {
        // The key is the one this context was made with; MimeKit only ever signs with it.
        if (!forSigning)
        {
            throw new NotSupportedException("This context only signs.");
        }
    }

    public void Update(byte input) => _data.Write([input]);

    public void BlockUpdate(byte[] input, int inOff, int inLen) => _data.Write(input.AsSpan(inOff, inLen));

    public void BlockUpdate(ReadOnlySpan<byte> input) => _data.Write(input);

    public int GetMaxSignatureSize() => keySizeInBits / 8;

    public byte[] GenerateSignature()
    {
        var key = keys.Get();
        try
        {
            return key.SignData(_data.WrittenSpan, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            keys.Return(key);
            _data.Clear();
        }
    }

    public bool VerifySignature(byte[] signature) => throw new NotSupportedException("This context only signs.");

    public void Reset() => _data.Clear();
}
