namespace Broadsheet.Subscribers;

/// <summary>
/// A reader who asked for the newsletter. The address and name are stored only encrypted; the
/// address is found through <see cref="EmailIndex"/>, a keyed hash, so the database alone reveals neither.
/// </summary>
public sealed class Subscriber
{
    public long Id { get; set; }

    /// <summary>AES-GCM ciphertext of the normalised address.</summary>
    public byte[] EmailEncrypted { get; set; } = [];

    /// <summary>HMAC of the normalised address under a key kept outside the database; unique.</summary>
    public byte[] EmailIndex { get; set; } = [];

    public byte[]? NameEncrypted { get; set; }
    public SubscriberStatus Status { get; set; }
    public NewsletterLanguages Languages { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }
    public DateTime? UnsubscribedAt { get; set; }

    /// <summary>When the last confirmation mail went out: at most one a day, however many signups.</summary>
    public DateTime? LastConfirmationSentAt { get; set; }

    /// <summary>The nonce of the one confirmation link that still works; cleared when used.</summary>
    public Guid? ConfirmationNonce { get; set; }

    /// <summary>
    /// For a reader added by <c>subscribers import</c>: their consent record, shared with the rest of that import
    /// (<see cref="ImportConsent"/>). Deliberately no foreign key: the record is never deleted, and checking a
    /// key for each of a million imported rows was a third of PostgreSQL's work per row.
    /// </summary>
    public long? ImportConsentId { get; set; }

    public List<ConsentRecord> Consents { get; set; } = [];
}
