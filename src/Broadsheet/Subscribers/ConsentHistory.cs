using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Subscribers;

/// <summary>Everything a subscriber agreed to or withdrew, oldest first: their own records and, for an imported reader, the import's.</summary>
public static class ConsentHistory
{
    public static async Task<IReadOnlyList<ConsentRecord>> LoadAsync(BroadsheetDb db, Subscriber subscriber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(subscriber);
        var records = await db.Consents.AsNoTracking().Where(c => c.SubscriberId == subscriber.Id).ToListAsync(cancellationToken);
        if (subscriber.ImportConsentId is { } importId
            && await db.ImportConsents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == importId, cancellationToken) is { } import)
        {
            records.Add(import.AsConsentOf(subscriber.Id));
        }

        return [.. records.OrderBy(c => c.At).ThenBy(c => c.Id)];
    }
}
