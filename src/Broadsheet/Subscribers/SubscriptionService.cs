using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Subscribers;

/// <summary>
/// Every change to a subscription goes through here: signup, confirmation, unsubscribe, preferences.
/// Addresses are handled in memory only; what is stored is ciphertext and keyed hashes.
/// </summary>
public sealed partial class SubscriptionService(
    BroadsheetDb db,
    AddressProtector protector,
    TokenSigner tokens,
    SendService sends,
    TimeProvider time,
    IOptions<BroadsheetOptions> options,
    ILogger<SubscriptionService> logger)
{
    public const string ConfirmPurpose = "confirm";
    public const string ManagePurpose = "manage";
    public static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan ConfirmationInterval = TimeSpan.FromHours(24);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<SignupResult> SignupAsync(SignupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EmailAddress.TryParse(request.Email, out var address, out var error))
        {
            return SignupResult.Invalid(error);
        }

        var languages = request.Languages & NewsletterLanguages.Both;
        if (languages == NewsletterLanguages.None)
        {
            languages = NewsletterLanguagesExtensions.Of(request.PageLanguage);
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > 100 } || name?.Any(char.IsControl) == true)
        {
            name = null; // A name is optional; a hostile one is dropped rather than refused, so the answer stays uniform.
        }

        var now = Now;
        var index = protector.BlindIndex(address!.Value);
        var subscriber = await db.Subscribers.FirstOrDefaultAsync(s => s.EmailIndex == index, cancellationToken);
        if (subscriber is null)
        {
            subscriber = new Subscriber
            {
                EmailEncrypted = protector.Encrypt(address.Value),
                EmailIndex = index,
                Status = SubscriberStatus.Pending,
                CreatedAt = now,
            };
            db.Subscribers.Add(subscriber);
        }
        else if (subscriber.Status == SubscriberStatus.Active)
        {
            // Already subscribed: nothing to confirm. The reader sees the same answer as anyone else.
            return SignupResult.Done;
        }

        subscriber.Status = SubscriberStatus.Pending;
        subscriber.Languages = languages;
        subscriber.UpdatedAt = now;
        if (name is not null)
        {
            subscriber.NameEncrypted = protector.Encrypt(name);
        }

        subscriber.Consents.Add(new ConsentRecord
        {
            At = now, Action = ConsentAction.Signup, Source = Truncate(request.Source, 300), Language = request.PageLanguage, IpHash = request.IpHash,
        });

        var send = (subscriber.LastConfirmationSentAt is null || now - subscriber.LastConfirmationSentAt >= ConfirmationInterval)
                   && await UnderHourlyCapAsync(now, cancellationToken);
        if (send)
        {
            subscriber.ConfirmationNonce = Guid.NewGuid();
            subscriber.LastConfirmationSentAt = now;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                if (send)
                {
                    // Through the outbox like every other mail: retried, recorded, and never lost with a crash.
                    await sends.QueueConfirmationAsync(subscriber.Id, request.PageLanguage, now, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Two signups for one new address raced; the other one made the row and queued the mail.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return SignupResult.Done;
            }
        }

        if (send)
        {
            sends.Wake();
            LogConfirmationQueued(subscriber.Id);
        }

        return SignupResult.Done;
    }

    /// <summary>The subscriber a confirmation link would confirm, without using it (for the GET page).</summary>
    public Task<Subscriber?> FindPendingAsync(string? token, CancellationToken cancellationToken = default) =>
        PendingForTokenAsync(token, cancellationToken);

    /// <summary>Confirms a subscription. A link works once, within seven days.</summary>
    public async Task<Subscriber?> ConfirmAsync(string? token, string source, CancellationToken cancellationToken = default)
    {
        var subscriber = await PendingForTokenAsync(token, cancellationToken);
        if (subscriber is null)
        {
            return null;
        }

        var now = Now;
        subscriber.Status = SubscriberStatus.Active;
        subscriber.ConfirmedAt = now;
        subscriber.UpdatedAt = now;
        subscriber.ConfirmationNonce = null;
        Record(subscriber, ConsentAction.Confirm, source, now);
        // The person has confirmed again themselves: that, and only that, lifts a suppression.
        await LiftSuppressionAsync(subscriber, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return subscriber;
    }

    /// <summary>The long-lived token for unsubscribe and preferences links in every mail.</summary>
    public string ManageToken(long subscriberId) => tokens.Create(ManagePurpose, subscriberId, lifetime: null);

    public async Task<Subscriber?> FindByManageTokenAsync(string? token, CancellationToken cancellationToken = default) =>
        tokens.Validate(token, ManagePurpose) is { } payload
            ? await db.Subscribers.FirstOrDefaultAsync(s => s.Id == payload.SubjectId, cancellationToken)
            : null;

    /// <summary>Unsubscribes; idempotent. Returns false only when the token is not valid.</summary>
    public async Task<bool> UnsubscribeAsync(string? token, string source, CancellationToken cancellationToken = default)
    {
        var subscriber = await FindByManageTokenAsync(token, cancellationToken);
        if (subscriber is null)
        {
            return false;
        }

        if (subscriber.Status is SubscriberStatus.Active or SubscriberStatus.Pending)
        {
            var now = Now;
            subscriber.Status = SubscriberStatus.Unsubscribed;
            subscriber.UnsubscribedAt = now;
            subscriber.UpdatedAt = now;
            subscriber.ConfirmationNonce = null;
            Record(subscriber, ConsentAction.Unsubscribe, source, now);
            await SuppressAsync(subscriber, SuppressionReason.Unsubscribed, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Changes languages and, with <paramref name="subscribe"/>, subscribes again (the token proves it is the person).</summary>
    public async Task<Subscriber?> UpdatePreferencesAsync(string? token, NewsletterLanguages languages, bool subscribe, CancellationToken cancellationToken = default)
    {
        var subscriber = await FindByManageTokenAsync(token, cancellationToken);
        if (subscriber is null)
        {
            return null;
        }

        var now = Now;
        languages &= NewsletterLanguages.Both;
        if (languages != NewsletterLanguages.None)
        {
            subscriber.Languages = languages;
        }

        if (subscribe && subscriber.Status != SubscriberStatus.Active)
        {
            subscriber.Status = SubscriberStatus.Active;
            subscriber.ConfirmedAt ??= now;
            subscriber.UnsubscribedAt = null;
            Record(subscriber, ConsentAction.Resubscribe, "preferences", now);
            await LiftSuppressionAsync(subscriber, cancellationToken);
        }
        else
        {
            Record(subscriber, ConsentAction.PreferencesChanged, "preferences", now);
        }

        subscriber.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return subscriber;
    }

    /// <summary>
    /// Stops mail to a subscriber whose address bounced for good, or who complained (marked us as spam), and
    /// suppresses the address. Idempotent; false when there is no such subscriber.
    /// </summary>
    public async Task<bool> StopForFeedbackAsync(long subscriberId, SubscriberStatus status, string source, CancellationToken cancellationToken = default)
    {
        if (status is not (SubscriberStatus.Bounced or SubscriberStatus.Complained))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Only bounced or complained.");
        }

        var subscriber = await db.Subscribers.FirstOrDefaultAsync(s => s.Id == subscriberId, cancellationToken);
        if (subscriber is null)
        {
            return false;
        }

        var now = Now;
        if (subscriber.Status != status)
        {
            subscriber.Status = status;
            subscriber.UpdatedAt = now;
            subscriber.ConfirmationNonce = null;
            if (status == SubscriberStatus.Complained)
            {
                subscriber.UnsubscribedAt = now;
            }

            Record(subscriber, status == SubscriberStatus.Bounced ? ConsentAction.Bounced : ConsentAction.Complained, source, now);
        }

        await SuppressAsync(subscriber, status == SubscriberStatus.Bounced ? SuppressionReason.Bounced : SuppressionReason.Complained, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<Subscriber?> PendingForTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (tokens.Validate(token, ConfirmPurpose) is not { } payload)
        {
            return null;
        }

        var subscriber = await db.Subscribers.FirstOrDefaultAsync(s => s.Id == payload.SubjectId, cancellationToken);
        return subscriber is { Status: SubscriberStatus.Pending } && subscriber.ConfirmationNonce == payload.Nonce ? subscriber : null;
    }

    private async Task<bool> UnderHourlyCapAsync(DateTime now, CancellationToken cancellationToken)
    {
        // Counted in the database, so the cap holds across restarts and instances.
        var since = now.AddHours(-1);
        var sent = await db.Subscribers.CountAsync(s => s.LastConfirmationSentAt > since, cancellationToken);
        return sent < options.Value.Mail.ConfirmationsPerHour;
    }

    private async Task SuppressAsync(Subscriber subscriber, SuppressionReason reason, CancellationToken cancellationToken)
    {
        var hash = protector.SuppressionHash(protector.Decrypt(subscriber.EmailEncrypted));
        if (!await db.Suppressions.AnyAsync(s => s.AddressHash == hash, cancellationToken) && !db.Suppressions.Local.Any(s => s.AddressHash.SequenceEqual(hash)))
        {
            db.Suppressions.Add(new Suppression { AddressHash = hash, Reason = reason, CreatedAt = Now });
        }
    }

    private async Task LiftSuppressionAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var hash = protector.SuppressionHash(protector.Decrypt(subscriber.EmailEncrypted));
        await db.Suppressions.Where(s => s.AddressHash == hash).ExecuteDeleteAsync(cancellationToken);
    }

    private static void Record(Subscriber subscriber, ConsentAction action, string source, DateTime now) =>
        subscriber.Consents.Add(new ConsentRecord { At = now, Action = action, Source = Truncate(source, 300), Language = LanguageOf(subscriber) });

    private static string LanguageOf(Subscriber subscriber) => subscriber.Languages switch
    {
        NewsletterLanguages.Arabic => Language.Arabic,
        NewsletterLanguages.English => Language.English,
        _ => "ar,en",
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Confirmation mail queued for subscriber {SubscriberId}")]
    private partial void LogConfirmationQueued(long subscriberId);
}
