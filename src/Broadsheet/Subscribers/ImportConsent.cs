namespace Broadsheet.Subscribers;

/// <summary>
/// The consent record of one CLI import, shared by every subscriber it added (<see cref="Subscriber.ImportConsentId"/>):
/// when, from which file, with which default language. A record per imported reader would repeat these same words a
/// million times, and at that size its rows and their foreign-key checks were half the database's work of an import.
/// It names no one, so erasing a subscriber leaves it; it is never deleted.
/// </summary>
public sealed class ImportConsent
{
    /// <summary>
    /// Chosen by the importer at random before anything is written, so that every transaction that adds subscribers
    /// can insert this record too (or find it there): it exists exactly when at least one of its subscribers does.
    /// </summary>
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary><c>cli-import:</c> and the file's name.</summary>
    public string Source { get; set; } = "";

    /// <summary>The import's default newsletter language (<c>en</c>, <c>ar</c>, <c>ar,en</c>), for rows that named none.</summary>
    public string Language { get; set; } = "";

    /// <summary>How the record reads in a subscriber's consent history, beside the records made on the site.</summary>
    public ConsentRecord AsConsentOf(long subscriberId) =>
        new() { SubscriberId = subscriberId, At = At, Action = ConsentAction.Signup, Source = Source, Language = Language };
}
