using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Broadsheet.Privacy;

/// <summary>
/// The secret keys, all derived from one 32-byte master secret that is kept outside the database,
/// so that a copy of the database alone reveals no reader's address.
/// </summary>
public sealed class PrivacyKeys
{
    /// <summary>Base64 of 32 bytes; the configuration key is <c>Broadsheet:Privacy:MasterKey</c>.</summary>
    public const string EnvironmentVariable = "Broadsheet__Privacy__MasterKey";

    /// <summary>Made in the data directory on first run when no master key is configured.</summary>
    public const string FileName = "privacy.key";

    internal const int MasterKeySize = 32;

    private const int SubKeySize = 32;

    private const string FingerprintLabel = "broadsheet privacy master key fingerprint";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    // Making a key takes milliseconds; ten seconds of waiting means the holder is stuck.
    private const int LockAttempts = 200;

    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly byte[] _addressEncryptionKey;
    private readonly byte[] _blindIndexKey;
    private readonly byte[] _suppressionKey;
    private readonly byte[] _tokenKey;
    private readonly byte[] _ipKey;
    private readonly byte[] _returnPathKey;
    private readonly byte[] _keyRingKey;

    private PrivacyKeys(ReadOnlySpan<byte> master)
    {
        // One sub-key per use, so a leak or misuse of one (e.g. the IP key, which sees low-entropy
        // input) never helps against another, and the master itself is never held after start-up.
        _addressEncryptionKey = Derive(master, "broadsheet/address-encryption/v1");
        _blindIndexKey = Derive(master, "broadsheet/blind-index/v1");
        _suppressionKey = Derive(master, "broadsheet/suppression/v1");
        _tokenKey = Derive(master, "broadsheet/tokens/v1");
        _ipKey = Derive(master, "broadsheet/ip/v1");
        _returnPathKey = Derive(master, "broadsheet/return-path/v1");
        _keyRingKey = Derive(master, "broadsheet/data-protection-keys/v1");

        // Hashing derived material rather than the master means publishing the id gives an
        // attacker nothing to test guesses of the master against beyond a one-way HKDF output.
        var idMaterial = Derive(master, "broadsheet/key-id/v1");
        KeyId = Convert.ToHexStringLower(SHA256.HashData(idMaterial))[..8];
        CryptographicOperations.ZeroMemory(idMaterial);

        // A MAC under a sub-key of its own over a fixed label: it tells two masters apart with certainty, and the
        // database that stores it learns nothing that helps recover the master or any other sub-key.
        var fingerprintKey = Derive(master, "broadsheet/fingerprint/v1");
        Fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(fingerprintKey, Encoding.UTF8.GetBytes(FingerprintLabel)));
        CryptographicOperations.ZeroMemory(fingerprintKey);
    }

    /// <summary>Tells keys apart in docs and logs without revealing anything about them.</summary>
    public string KeyId { get; }

    /// <summary>
    /// 64 hex characters that are the same on every instance with this master and differ for any other; stored in
    /// the database so an instance with another key refuses to start (<see cref="PrivacyKeyCheck"/>).
    /// </summary>
    public string Fingerprint { get; }

    internal ReadOnlySpan<byte> AddressEncryptionKey => _addressEncryptionKey;

    internal ReadOnlySpan<byte> BlindIndexKey => _blindIndexKey;

    internal ReadOnlySpan<byte> SuppressionKey => _suppressionKey;

    internal ReadOnlySpan<byte> TokenKey => _tokenKey;

    internal ReadOnlySpan<byte> IpKey => _ipKey;

    internal ReadOnlySpan<byte> ReturnPathKey => _returnPathKey;

    /// <summary>Seals the admin's data-protection keys in the database (<see cref="KeyRingSealer"/>).</summary>
    internal ReadOnlySpan<byte> KeyRingKey => _keyRingKey;

    public static PrivacyKeys FromMaster(ReadOnlySpan<byte> master)
    {
        if (master.Length != MasterKeySize)
        {
            throw new ArgumentException($"The master key must be exactly {MasterKeySize} bytes.", nameof(master));
        }

        return new PrivacyKeys(master);
    }

    /// <summary>
    /// Uses <paramref name="masterKeyBase64"/> when it is set; otherwise reads the key file in
    /// <paramref name="dataDirectory"/>, making it on first run.
    /// </summary>
    public static PrivacyKeys LoadOrCreate(string dataDirectory, string? masterKeyBase64)
    {
        if (!string.IsNullOrEmpty(masterKeyBase64))
        {
            return FromBase64(
                masterKeyBase64,
                $"The privacy master key from {EnvironmentVariable} (configuration key Broadsheet:Privacy:MasterKey) " +
                $"must be the base64 of exactly {MasterKeySize} random bytes, e.g. the output of `openssl rand -base64 32`.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);

        if (!File.Exists(path))
        {
            using (AcquireCreationLock(path))
            {
                // Checked again under the lock: whoever held it before us may have made the key.
                if (!File.Exists(path))
                {
                    CreateKeyFile(path);
                }
            }
        }

        return ReadKeyFile(path);
    }

    // Only the id: anything that formats these keys (a logger, a debugger) must not see secrets.
    public override string ToString() => $"PrivacyKeys {KeyId}";

    private static byte[] Derive(ReadOnlySpan<byte> master, string info)
    {
        var key = new byte[SubKeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, key, salt: [], info: Encoding.UTF8.GetBytes(info));
        return key;
    }

    private static PrivacyKeys FromBase64(string value, string errorMessage)
    {
        // The buffer is large enough for any decoding, so a false return can only mean bad base64;
        // the message never echoes the value because it is a secret even when malformed.
        var buffer = new byte[((value.Length / 4) + 1) * 3];
        try
        {
            if (!Convert.TryFromBase64String(value, buffer, out var written) || written != MasterKeySize)
            {
                throw new InvalidOperationException(errorMessage);
            }

            return new PrivacyKeys(buffer.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static FileStream AcquireCreationLock(string keyPath)
    {
        // File.Move without overwrite is check-then-rename on Unix, so two first runs could each
        // install a key and go on using different ones. An exclusive open (flock on Unix) makes
        // creation one-at-a-time. The lock file is left in place: deleting it would let a waiter
        // holding the old file and a newcomer holding a new one both think they own the lock.
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(keyPath + ".lock", options);
            }
            catch (IOException) when (attempt < LockAttempts)
            {
                Thread.Sleep(LockRetryDelay);
            }
        }
    }

    internal static void CreateKeyFile(string path)
    {
        var master = RandomNumberGenerator.GetBytes(MasterKeySize);
        var text = Convert.ToBase64String(master) + "\n";
        CryptographicOperations.ZeroMemory(master);

        // Written under a temporary name and moved into place, so a reader (another process
        // starting at the same time) never sees a half-written key and two starters cannot both
        // install one: the move refuses to overwrite and the loser reads the winner's key.
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $"{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                // Set at creation rather than by chmod afterwards, so the key is never readable
                // by others, not even for an instant.
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Only reachable if another starter bypassed the lock (file locking disabled);
                // its key is already in place and is the one everyone must use.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static PrivacyKeys ReadKeyFile(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            TightenPermissions(path);
        }

        // A present but unreadable key is never replaced: a new key would silently make every
        // stored address undecryptable and every blind index unfindable.
        return FromBase64(
            File.ReadAllText(path, Encoding.ASCII).Trim(),
            $"The privacy key file {path} must hold the base64 of exactly {MasterKeySize} bytes on one line. " +
            $"Restore it from backup, or set {EnvironmentVariable}; do not delete it while the database holds subscribers.");
    }

    [UnsupportedOSPlatform("windows")]
    private static void TightenPermissions(string path)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
        catch (UnauthorizedAccessException ex)
        {
            // Refusing to start beats running with a key other local users can read.
            throw new InvalidOperationException(
                $"The privacy key file {path} is readable by other users and could not be restricted; run `chmod 600` on it.",
                ex);
        }
    }
}
