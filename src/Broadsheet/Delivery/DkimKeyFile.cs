using System.Security.Cryptography;
using System.Text;

namespace Broadsheet.Delivery;

/// <summary>
/// The PEM file holding a DKIM private key: made by <c>dkim init</c> with an owner-only mode, read by the signer and by
/// <c>dkim show</c>, which prints the DNS record for it again.
/// </summary>
public static class DkimKeyFile
{
    /// <summary>2048 bits: what mailbox providers expect today, and still fits a TXT record in two strings.</summary>
    public const int KeySize = 2048;

    /// <summary>The folder under the data folder that <c>dkim init</c> writes keys to.</summary>
    public const string FolderName = "dkim";

    // Receivers (and MimeKit's verifier) treat a signature made with a shorter RSA key as no signature.
    private const int MinimumKeySize = 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary><c>{dataDirectory}/dkim/{selector}.{domain}.pem</c>: one file per selector, so a rotation keeps the old key beside the new.</summary>
    public static string DefaultPath(string dataDirectory, DkimIdentity identity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(identity);
        return Path.GetFullPath(Path.Combine(dataDirectory, FolderName, $"{identity.Selector}.{identity.Domain}.pem"));
    }

    /// <summary><c>Broadsheet:Mail:Dkim:KeyFile</c> when it is set (relative to the working directory, as the data folder is), otherwise <see cref="DefaultPath"/>.</summary>
    public static string PathFor(BroadsheetOptions options, DkimIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Mail.Dkim.KeyFile;
        return string.IsNullOrWhiteSpace(configured) ? DefaultPath(options.DataDirectory, identity) : Path.GetFullPath(configured.Trim());
    }

    /// <summary>
    /// Makes a new <see cref="KeySize"/>-bit RSA key, writes its private half to <paramref name="path"/> (mode 0600 from
    /// the moment it exists) and answers with the DNS record for its public half.
    /// </summary>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false, or it cannot be written.</exception>
    public static DkimDnsRecord Create(string path, DkimIdentity identity, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(identity);
        path = Path.GetFullPath(path);
        if (!overwrite && File.Exists(path))
        {
            throw new IOException($"The DKIM key file {path} already exists.");
        }

        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        using var key = RSA.Create(KeySize);
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.WriteUtf8("PRIVATE KEY"u8, der);

        // Written under a temporary name and moved into place, so the signer never reads half a key, and an
        // interrupted --force leaves the old key working rather than a broken file.
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Set at creation rather than by chmod afterwards, so the key is never readable by others, even briefly.
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(pem);
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(pem);
            File.Delete(temp);
        }

        return DkimDnsRecord.For(identity, key);
    }

    /// <summary>The DNS record for the key in an existing file, for <c>dkim show</c> and the admin.</summary>
    /// <exception cref="DkimConfigurationException">The file is missing, unreadable or holds no usable RSA private key.</exception>
    public static DkimDnsRecord ReadRecord(string path, DkimIdentity identity)
    {
        using var key = Load(path, identity);
        return DkimDnsRecord.For(identity, key);
    }

    /// <exception cref="DkimConfigurationException">The file is missing, unreadable or holds no usable RSA private key.</exception>
    internal static RSA Load(string path, DkimIdentity identity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(identity);
        string pem;
        try
        {
            pem = File.ReadAllText(path, Encoding.ASCII);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DkimConfigurationException(
                $"The DKIM key file {path} for {identity.RecordName} does not exist. Run `dkim init --domain {identity.Domain} --selector {identity.Selector}` " +
                "to make it and publish the DNS record it prints, or set Broadsheet:Mail:Dkim:KeyFile (Broadsheet__Mail__Dkim__KeyFile) to the PEM private key. " +
                "To send unsigned instead, clear Broadsheet:Mail:Dkim:Domain and :Selector.",
                e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new DkimConfigurationException(
                $"The DKIM key file {path} (Broadsheet:Mail:Dkim:KeyFile) cannot be read by this user ({e.GetType().Name}): give the user Broadsheet runs as " +
                "read access (owner-only, mode 0600), or run `dkim init` as that user.",
                e);
        }

        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            // A public key imports too, and would only fail at the first send: ask for the private half now.
            CryptographicOperations.ZeroMemory(key.ExportPkcs8PrivateKey());
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DkimConfigurationException(
                $"The DKIM key file {path} (Broadsheet:Mail:Dkim:KeyFile) does not hold an unencrypted RSA private key in PEM form " +
                "(-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----). Run `dkim init` to make one.",
                e);
        }

        if (key.KeySize < MinimumKeySize)
        {
            var bits = key.KeySize;
            key.Dispose();
            throw new DkimConfigurationException(
                $"The DKIM key in {path} has {bits} bits; receivers ignore signatures from RSA keys under {MinimumKeySize}. Run `dkim init` with a new selector to make a {KeySize}-bit key.");
        }

        return key;
    }
}
