using System.Security.Cryptography;
using Broadsheet.Privacy;

namespace Broadsheet.Tests.Privacy;

public sealed class PrivacyKeysTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("broadsheet-privacy-").FullName;

    private string KeyFile => Path.Combine(_directory, PrivacyKeys.FileName);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromMaster_refuses_a_master_that_is_not_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => PrivacyKeys.FromMaster(new byte[length]));
    }

    [Fact]
    public void Sub_keys_are_distinct_and_none_is_the_master()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var keys = PrivacyKeys.FromMaster(master);

        byte[][] subKeys =
        [
            keys.AddressEncryptionKey.ToArray(),
            keys.BlindIndexKey.ToArray(),
            keys.SuppressionKey.ToArray(),
            keys.TokenKey.ToArray(),
            keys.IpKey.ToArray(),
        ];

        Assert.All(subKeys, key => Assert.Equal(32, key.Length));
        Assert.All(subKeys, key => Assert.NotEqual(master, key));
        Assert.Equal(subKeys.Length, subKeys.Select(Convert.ToBase64String).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void KeyId_is_eight_hex_characters_that_tell_keys_apart()
    {
        var master = RandomNumberGenerator.GetBytes(32);

        var keyId = PrivacyKeys.FromMaster(master).KeyId;

        Assert.Equal(8, keyId.Length);
        Assert.All(keyId, c => Assert.True(char.IsAsciiHexDigitLower(c)));
        Assert.Equal(keyId, PrivacyKeys.FromMaster(master).KeyId);
        Assert.NotEqual(keyId, PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)).KeyId);
        Assert.NotEqual(keyId, Convert.ToHexStringLower(master)[..8]);
        Assert.NotEqual(keyId, Convert.ToHexStringLower(SHA256.HashData(master))[..8]);
    }

    [Fact]
    public void ToString_shows_the_key_id_and_no_secret()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var keys = PrivacyKeys.FromMaster(master);

        var text = keys.ToString();

        Assert.Contains(keys.KeyId, text, StringComparison.Ordinal);
        foreach (var secret in new[] { master, keys.AddressEncryptionKey.ToArray(), keys.BlindIndexKey.ToArray(), keys.TokenKey.ToArray() })
        {
            Assert.DoesNotContain(Convert.ToBase64String(secret), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(secret)[..8], text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void First_run_creates_an_owner_only_key_file()
    {
        var keys = PrivacyKeys.LoadOrCreate(_directory, masterKeyBase64: null);

        Assert.True(File.Exists(KeyFile));
        var content = File.ReadAllText(KeyFile);
        Assert.EndsWith("\n", content, StringComparison.Ordinal);
        var master = Convert.FromBase64String(content.Trim());
        Assert.Equal(32, master.Length);
        Assert.Equal(PrivacyKeys.FromMaster(master).KeyId, keys.KeyId);
        Assert.DoesNotContain(Directory.GetFiles(_directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public void The_key_file_is_owner_only_from_the_moment_it_is_written()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Checked before any load, which would tighten the mode and hide a file that was
        // briefly readable by others.
        PrivacyKeys.CreateKeyFile(KeyFile);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public void First_run_creates_a_missing_data_directory()
    {
        var nested = Path.Combine(_directory, "data", "inner");

        PrivacyKeys.LoadOrCreate(nested, masterKeyBase64: "");

        Assert.True(File.Exists(Path.Combine(nested, PrivacyKeys.FileName)));
    }

    [Fact]
    public void Later_runs_reuse_the_key_file()
    {
        var first = PrivacyKeys.LoadOrCreate(_directory, masterKeyBase64: null);
        var written = File.ReadAllText(KeyFile);

        var second = PrivacyKeys.LoadOrCreate(_directory, masterKeyBase64: null);

        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal(
            new AddressProtector(first).BlindIndex("reader@example.com"),
            new AddressProtector(second).BlindIndex("reader@example.com"));
        Assert.Equal(written, File.ReadAllText(KeyFile));
    }

    [Fact]
    public void A_key_file_readable_by_others_is_tightened_to_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var master = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(KeyFile, Convert.ToBase64String(master) + "\n");
        File.SetUnixFileMode(KeyFile, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var keys = PrivacyKeys.LoadOrCreate(_directory, masterKeyBase64: null);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeyFile));
        Assert.Equal(PrivacyKeys.FromMaster(master).KeyId, keys.KeyId);
    }

    [Fact]
    public void A_configured_master_key_wins_and_the_file_is_ignored()
    {
        var fileMaster = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(KeyFile, Convert.ToBase64String(fileMaster));
        var configured = RandomNumberGenerator.GetBytes(32);

        var keys = PrivacyKeys.LoadOrCreate(_directory, Convert.ToBase64String(configured));

        Assert.Equal(PrivacyKeys.FromMaster(configured).KeyId, keys.KeyId);
        Assert.NotEqual(PrivacyKeys.FromMaster(fileMaster).KeyId, keys.KeyId);
        Assert.Equal(Convert.ToBase64String(fileMaster), File.ReadAllText(KeyFile));
    }

    [Fact]
    public void A_configured_master_key_makes_no_key_file()
    {
        var configured = RandomNumberGenerator.GetBytes(32);

        PrivacyKeys.LoadOrCreate(_directory, Convert.ToBase64String(configured) + "\n");

        Assert.Empty(Directory.GetFiles(_directory));
    }

    public static TheoryData<string> BadMasterKeys => new()
    {
        "not base64 at all!",
        "====",
        "   ",
        "😀",
        Convert.ToBase64String(new byte[16]),
        Convert.ToBase64String(new byte[31]),
        Convert.ToBase64String(new byte[33]),
        Convert.ToBase64String(new byte[64]),
        Convert.ToBase64String(new byte[32]).Replace('A', '-'),
    };

    [Theory]
    [MemberData(nameof(BadMasterKeys))]
    public void A_bad_configured_master_key_is_refused_with_a_message_naming_the_variable(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => PrivacyKeys.LoadOrCreate(_directory, value));

        Assert.Contains(PrivacyKeys.EnvironmentVariable, e.Message, StringComparison.Ordinal);
        Assert.Contains("Broadsheet__Privacy__MasterKey", e.Message, StringComparison.Ordinal);
        if (value.Trim().Length > 0)
        {
            Assert.DoesNotContain(value.Trim(), e.Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_corrupt_key_file_is_refused_and_never_replaced()
    {
        File.WriteAllText(KeyFile, "garbage\n");

        var e = Assert.Throws<InvalidOperationException>(() => PrivacyKeys.LoadOrCreate(_directory, masterKeyBase64: null));

        Assert.Contains(PrivacyKeys.FileName, e.Message, StringComparison.Ordinal);
        Assert.Equal("garbage\n", File.ReadAllText(KeyFile));
    }

    [Fact]
    public async Task Parallel_first_runs_agree_on_one_key()
    {
        for (var round = 0; round < 20; round++)
        {
            var directory = Path.Combine(_directory, $"round-{round}");
            using var start = new ManualResetEventSlim();
            var runs = Enumerable.Range(0, 8)
                .Select(_ => Task.Run(() =>
                {
                    start.Wait(TestContext.Current.CancellationToken);
                    return PrivacyKeys.LoadOrCreate(directory, masterKeyBase64: null).KeyId;
                }))
                .ToArray();

            start.Set();
            var keyIds = await Task.WhenAll(runs);

            Assert.Single(keyIds.Distinct(StringComparer.Ordinal));
            Assert.DoesNotContain(Directory.GetFiles(directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));
            Assert.Equal(keyIds[0], PrivacyKeys.LoadOrCreate(directory, masterKeyBase64: null).KeyId);
        }
    }
}
