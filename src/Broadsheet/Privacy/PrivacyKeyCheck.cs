using System.Security.Cryptography;
using System.Text;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Privacy;

/// <summary>
/// Checks, before anything is read or written, that this instance's privacy master key is the one the database was
/// written with. Two instances with different keys would each write addresses the other cannot read and blind indexes
/// that never match (the same reader twice), so the key is not trusted but compared: the first instance to start
/// stores its key's fingerprint, and every later one must match it. Run by the web host and every CLI command right
/// after the migrations.
/// </summary>
public sealed partial class PrivacyKeyCheck(BroadsheetDb db, PrivacyKeys keys, TimeProvider time, ILogger<PrivacyKeyCheck> logger)
{
    /// <summary>The row of <c>key_fingerprints</c> that holds the privacy master key's fingerprint.</summary>
    public const string MasterKeyName = "privacy-master-key";

    /// <summary>Stores this key's fingerprint if the database has none (a new database, or one from before the check).</summary>
    /// <exception cref="PrivacyKeyMismatchException">The database was written with another key; nothing was written.</exception>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var stored = await StoredAsync(cancellationToken);
        if (stored is null)
        {
            db.KeyFingerprints.Add(new KeyFingerprint { Name = MasterKeyName, Fingerprint = keys.Fingerprint, CreatedAt = time.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                RecordedKey(logger, keys.KeyId);
                return;
            }
            catch (DbUpdateException)
            {
                // Insert-if-absent, the same on both databases: instances starting together race for the row, and
                // whoever lost reads the winner's fingerprint and is judged by it like any later start.
                db.ChangeTracker.Clear();
                stored = await StoredAsync(cancellationToken);
                if (stored is null)
                {
                    throw;
                }
            }
        }

        // Fixed time out of habit: the fingerprint is no secret, but nothing is gained by comparing it any other way.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(keys.Fingerprint)))
        {
            throw new PrivacyKeyMismatchException();
        }
    }

    private Task<string?> StoredAsync(CancellationToken cancellationToken) =>
        db.KeyFingerprints.AsNoTracking().Where(k => k.Name == MasterKeyName).Select(k => k.Fingerprint).FirstOrDefaultAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "This database is now bound to the privacy key {KeyId}; every instance must use the same key")]
    private static partial void RecordedKey(ILogger logger, string keyId);
}
