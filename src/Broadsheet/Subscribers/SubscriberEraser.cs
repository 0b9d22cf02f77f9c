using Broadsheet.Data;
using Broadsheet.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Subscribers;

/// <summary>
/// Erasure on request: the subscriber row and its consent history are deleted, and what remains is a
/// suppression (a keyed hash, not the address) so that the address is never mailed, imported or added by the
/// newsroom again. Only the person confirming a new signup themselves lifts it.
/// </summary>
public sealed partial class SubscriberEraser(BroadsheetDb db, AddressProtector protector, TimeProvider time, ILogger<SubscriberEraser> logger)
{
    /// <summary>Erases the subscriber with this address; false when there is none (and then nothing changes).</summary>
    public async Task<bool> EraseAsync(EmailAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var index = protector.BlindIndex(address.Value);
        var hash = protector.SuppressionHash(address.Value);

        // One transaction: a suppression without the erasure, or the reverse, would both be wrong.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = await db.Subscribers.Where(s => s.EmailIndex == index).Select(s => (long?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return false;
        }

        // Deleted explicitly rather than left to the cascade, which SQLite applies only when foreign keys are on.
        await db.Consents.Where(c => c.SubscriberId == id).ExecuteDeleteAsync(cancellationToken);
        await db.Subscribers.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);

        // An earlier suppression (an unsubscribe, a bounce) becomes an erasure: the reason now is the request.
        var updated = await db.Suppressions.Where(s => s.AddressHash == hash)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Reason, SuppressionReason.Erased), cancellationToken);
        if (updated == 0)
        {
            db.Suppressions.Add(new Suppression { AddressHash = hash, Reason = SuppressionReason.Erased, CreatedAt = time.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogErased(id.Value);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber {SubscriberId} erased; a suppression keeps the address from being mailed again")]
    private partial void LogErased(long subscriberId);
}
