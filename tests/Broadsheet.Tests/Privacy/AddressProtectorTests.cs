using System.Security.Cryptography;
using System.Text;
using Broadsheet.Privacy;

namespace Broadsheet.Tests.Privacy;

public sealed class AddressProtectorTests
{
    public static TheoryData<string> Addresses => new()
    {
        "reader@example.com",
        "Mixed.Case+Tag@Example.COM",
        "قارئ@مثال.مصر",
        "leser@bücher.example",
        "用户@例子.广告",
    };

    private static AddressProtector NewProtector() => new(PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)));

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Encrypt_then_decrypt_gives_back_the_address(string address)
    {
        var protector = NewProtector();

        var restored = protector.Decrypt(protector.Encrypt(address));

        Assert.Equal(address, restored);
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Two_encryptions_differ_and_neither_contains_the_address(string address)
    {
        var protector = NewProtector();

        var first = protector.Encrypt(address);
        var second = protector.Encrypt(address);

        Assert.NotEqual(first, second);
        var utf8Length = Encoding.UTF8.GetByteCount(address);
        Assert.Equal(1 + 12 + utf8Length + 16, first.Length);
        Assert.Equal(1, first[0]);
        Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
        foreach (var sealedAddress in new[] { first, second })
        {
            Assert.False(Contains(sealedAddress, Encoding.UTF8.GetBytes(address)));
            Assert.False(Contains(sealedAddress, Encoding.UTF8.GetBytes(address.ToLowerInvariant())));
            Assert.False(Contains(sealedAddress, Encoding.UTF8.GetBytes(address.Split('@')[1])));
        }
    }

    [Fact]
    public void A_flipped_bit_anywhere_is_detected()
    {
        var protector = NewProtector();
        var original = protector.Encrypt("reader@example.com");

        for (var index = 0; index < original.Length; index++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])original.Clone();
                tampered[index] ^= (byte)(1 << bit);

                Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt(tampered));
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(28)]
    public void Too_short_input_is_refused_as_a_cryptographic_failure(int length)
    {
        var protector = NewProtector();

        Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt(new byte[length]));
    }

    [Fact]
    public void Truncated_or_extended_ciphertext_is_refused()
    {
        var protector = NewProtector();
        var original = protector.Encrypt("reader@example.com");

        Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt(original[..^1]));
        Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt([.. original, 0]));
    }

    [Fact]
    public void Another_master_key_cannot_decrypt()
    {
        var sealedAddress = NewProtector().Encrypt("reader@example.com");

        Assert.ThrowsAny<CryptographicException>(() => NewProtector().Decrypt(sealedAddress));
    }

    [Fact]
    public void Blind_index_is_deterministic_per_key_and_differs_across_keys()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var one = new AddressProtector(PrivacyKeys.FromMaster(master));
        var same = new AddressProtector(PrivacyKeys.FromMaster(master));
        var other = NewProtector();

        var index = one.BlindIndex("reader@example.com");

        Assert.Equal(AddressProtector.BlindIndexSize, index.Length);
        Assert.Equal(16, index.Length);
        Assert.Equal(index, one.BlindIndex("reader@example.com"));
        Assert.Equal(index, same.BlindIndex("reader@example.com"));
        Assert.NotEqual(index, other.BlindIndex("reader@example.com"));
        Assert.NotEqual(index, one.BlindIndex("reader2@example.com"));
    }

    // Nonces come from a per-thread buffer that is refilled every 64 encryptions: none may repeat across refills.
    [Fact]
    public void Nonces_never_repeat_across_many_encryptions()
    {
        var protector = NewProtector();
        var nonces = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            var sealedAddress = protector.Encrypt("reader@example.com");
            Assert.True(nonces.Add(Convert.ToHexString(sealedAddress, 1, 12)), $"nonce repeated at encryption {i}");
            Assert.Equal("reader@example.com", protector.Decrypt(sealedAddress));
        }
    }

    [Fact]
    public void Suppression_hash_is_keyed_apart_from_the_blind_index()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var protector = new AddressProtector(PrivacyKeys.FromMaster(master));

        var suppression = protector.SuppressionHash("reader@example.com");

        Assert.Equal(32, suppression.Length);
        Assert.NotEqual(protector.BlindIndex("reader@example.com"), suppression);
        Assert.Equal(suppression, new AddressProtector(PrivacyKeys.FromMaster(master)).SuppressionHash("reader@example.com"));
        Assert.NotEqual(suppression, NewProtector().SuppressionHash("reader@example.com"));
    }

    [Fact]
    public void Blind_index_is_not_a_plain_hash_of_the_address()
    {
        var protector = NewProtector();
        var plain = SHA256.HashData(Encoding.UTF8.GetBytes("reader@example.com"));

        Assert.NotEqual(plain, protector.BlindIndex("reader@example.com"));
        Assert.NotEqual(plain, protector.SuppressionHash("reader@example.com"));
    }

    [Fact]
    public void Ip_hash_is_16_keyed_bytes_that_do_not_contain_the_ip()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var protector = new AddressProtector(PrivacyKeys.FromMaster(master));

        var hash = protector.HashIp("203.0.113.7");

        Assert.Equal(16, hash.Length);
        Assert.Equal(hash, new AddressProtector(PrivacyKeys.FromMaster(master)).HashIp("203.0.113.7"));
        Assert.NotEqual(hash, protector.HashIp("203.0.113.8"));
        Assert.NotEqual(hash, NewProtector().HashIp("203.0.113.7"));
        Assert.NotEqual(hash, protector.BlindIndex("203.0.113.7")[..16]);
        Assert.NotEqual(hash, SHA256.HashData(Encoding.UTF8.GetBytes("203.0.113.7"))[..16]);
        Assert.False(Contains(hash, Encoding.UTF8.GetBytes("203.0.113.7")));
        Assert.False(Contains(hash, [203, 0, 113, 7]));
    }

    [Theory]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7")]
    [InlineData("2001:db8::1", "2001:DB8:0:0:0:0:0:1")]
    [InlineData("2001:db8::1", " 2001:db8::1 ")]
    public void One_ip_written_two_ways_hashes_the_same(string first, string second)
    {
        var protector = NewProtector();

        Assert.Equal(protector.HashIp(first), protector.HashIp(second));
    }

    [Fact]
    public void Threads_that_come_and_go_share_a_few_contexts_rather_than_leaving_one_each()
    {
        // A running instance's pool threads retire and new ones start; each call here is on a thread of its own.
        using var protector = NewProtector();
        var results = new List<(string Restored, byte[] Index, byte[] Suppression)>();
        for (var i = 0; i < 40; i++)
        {
            var address = $"reader{i}@example.com";
            var thread = new Thread(() => results.Add((protector.Decrypt(protector.Encrypt(address)), protector.BlindIndex(address), protector.SuppressionHash(address))));
            thread.Start();
            thread.Join();
        }

        // One AES-GCM context and one of each keyed hash, however many threads used them.
        Assert.Equal(3, protector.ContextsMade);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"reader{i}@example.com"), results.Select(r => r.Restored));
        Assert.Equal(protector.BlindIndex("reader7@example.com"), results[7].Index);
        Assert.Equal(protector.SuppressionHash("reader7@example.com"), results[7].Suppression);
        Assert.Equal(40, results.Select(r => Convert.ToHexString(r.Index)).Distinct().Count());
    }

    [Fact]
    public void Calls_at_once_on_many_threads_give_the_same_results_as_one_at_a_time()
    {
        using var protector = NewProtector();
        var addresses = Enumerable.Range(0, 2000).Select(i => $"reader{i}@example.com").ToArray();
        var expected = addresses.Select(a => (protector.BlindIndex(a), protector.SuppressionHash(a))).ToArray();

        var actual = new (string Restored, byte[] Index, byte[] Suppression)[addresses.Length];
        Parallel.For(0, addresses.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            actual[i] = (protector.Decrypt(protector.Encrypt(addresses[i])), protector.BlindIndex(addresses[i]), protector.SuppressionHash(addresses[i])));

        Assert.Equal(addresses, actual.Select(a => a.Restored));
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Index));
        Assert.Equal(expected.Select(e => e.Item2), actual.Select(a => a.Suppression));
        // As many contexts as were in use at once (the pool keeps more than 8), not one per call or per thread.
        Assert.InRange(protector.ContextsMade, 3, 3 * 8);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        var protector = NewProtector();

        Assert.Throws<ArgumentNullException>(() => new AddressProtector(null!));
        Assert.Throws<ArgumentNullException>(() => protector.Encrypt(null!));
        Assert.Throws<ArgumentNullException>(() => protector.Decrypt(null!));
        Assert.Throws<ArgumentNullException>(() => protector.BlindIndex(null!));
        Assert.Throws<ArgumentNullException>(() => protector.SuppressionHash(null!));
        Assert.Throws<ArgumentNullException>(() => protector.HashIp(null!));
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;
}
