using System.Security.Cryptography;
using System.Text;
using Broadsheet.Privacy;

namespace Broadsheet.Tests.Privacy;

/// <summary>The sealing of the admin's data-protection keys, and the fingerprint that binds a database to one master key.</summary>
public sealed class KeyRingSealerTests
{
    private const string Secret = "<masterKey><value>c2VjcmV0IGtleSBtYXRlcmlhbA==</value></masterKey>";

    private readonly byte[] _master = RandomNumberGenerator.GetBytes(32);

    private KeyRingSealer Sealer => new(PrivacyKeys.FromMaster(_master));

    [Fact]
    public void A_sealed_key_opens_with_the_same_master_and_shows_nothing_of_the_secret()
    {
        var sealedText = Sealer.Seal(Secret);

        Assert.Equal(Secret, new KeyRingSealer(PrivacyKeys.FromMaster(_master)).Open(sealedText));
        Assert.DoesNotContain("c2VjcmV0", sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", Encoding.Latin1.GetString(Convert.FromBase64String(sealedText)), StringComparison.Ordinal);
        // A fresh nonce each time: the same key sealed twice does not give the same text.
        Assert.NotEqual(sealedText, Sealer.Seal(Secret));
    }

    [Fact]
    public void Another_master_cannot_open_it()
    {
        var sealedText = Sealer.Seal(Secret);

        var other = new KeyRingSealer(PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)));
        Assert.ThrowsAny<CryptographicException>(() => other.Open(sealedText));
    }

    [Fact]
    public void The_key_is_not_the_address_key()
    {
        // Sealed with the address key instead, the same bytes must not open: each use has its own sub-key.
        var keys = PrivacyKeys.FromMaster(_master);
        Assert.NotEqual(keys.AddressEncryptionKey.ToArray(), keys.KeyRingKey.ToArray());
        Assert.NotEqual(_master, keys.KeyRingKey.ToArray());
        using var protector = new AddressProtector(keys);
        var underAddressKey = Convert.ToBase64String(protector.Encrypt(Secret));
        Assert.ThrowsAny<CryptographicException>(() => Sealer.Open(underAddressKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AQ==")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    public void Anything_malformed_fails_as_a_cryptographic_error(string value)
    {
        Assert.ThrowsAny<CryptographicException>(() => Sealer.Open(value));
    }

    [Fact]
    public void Any_changed_byte_is_refused()
    {
        var bytes = Convert.FromBase64String(Sealer.Seal(Secret));
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => Sealer.Open(Convert.ToBase64String(altered)));
        }
    }

    [Fact]
    public void The_fingerprint_is_stable_per_master_differs_between_masters_and_is_none_of_the_keys()
    {
        var keys = PrivacyKeys.FromMaster(_master);

        Assert.Equal(64, keys.Fingerprint.Length);
        Assert.All(keys.Fingerprint, c => Assert.True(char.IsAsciiHexDigitLower(c)));
        Assert.Equal(keys.Fingerprint, PrivacyKeys.FromMaster(_master).Fingerprint);
        Assert.NotEqual(keys.Fingerprint, PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)).Fingerprint);
        foreach (var secret in new[] { _master, keys.AddressEncryptionKey.ToArray(), keys.BlindIndexKey.ToArray(), keys.TokenKey.ToArray(), keys.KeyRingKey.ToArray() })
        {
            Assert.NotEqual(Convert.ToHexStringLower(secret), keys.Fingerprint);
            Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(secret)), keys.Fingerprint);
        }
    }
}
