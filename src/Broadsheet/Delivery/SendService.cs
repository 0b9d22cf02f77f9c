using Broadsheet.Cluster;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Delivery;

/// <summary>
/// The one write path for sends: creating them (the dispatcher then materialises and sends), failing a stalled one
/// with its reason, and resuming it when an operator says so. Whatever gives the dispatchers new work wakes this
/// process's dispatcher and, on PostgreSQL, every other instance's (a <see cref="ClusterChange.Delivery"/> message,
/// sent in the same transaction as the work, so it arrives when the work can be read and never for a rollback).
/// </summary>
public sealed class SendService(BroadsheetDb db, DeliverySignal signal, ClusterBroadcaster cluster, TimeProvider time)
{
    public const int MaxSubjectLength = 300;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// A one-off mailing to the active subscribers of <paramref name="language"/>. The bodies may hold
    /// <see cref="Send.UnsubscribeUrlPlaceholder"/> and <see cref="Send.PreferencesUrlPlaceholder"/>, filled per recipient.
    /// </summary>
    public async Task<Send> CreateCampaignAsync(string language, string subject, string htmlBody, string textBody, CancellationToken cancellationToken = default) =>
        await CreateAsync(SendKind.Campaign, language, subject, htmlBody, textBody, cancellationToken);

    /// <summary>The same for a digest edition (the digest builds the content).</summary>
    public async Task<Send> CreateEditionAsync(string language, string subject, string htmlBody, string textBody, CancellationToken cancellationToken = default) =>
        await CreateAsync(SendKind.Edition, language, subject, htmlBody, textBody, cancellationToken);

    /// <summary>
    /// Queues the confirmation mail for one subscriber. Called inside the signup's transaction (on this scope's
    /// database context), so the mail is queued exactly when the subscriber row says it was sent, and never for a
    /// signup that did not commit. The caller calls <see cref="Wake"/> after its commit.
    /// </summary>
    public async Task QueueConfirmationAsync(long subscriberId, string language, DateTime now, CancellationToken cancellationToken)
    {
        var send = new Send
        {
            Kind = SendKind.Confirmation, Status = SendStatus.Sending, Language = language, SubscriberId = subscriberId,
            Recipients = 1, MaterialisedUpTo = subscriberId, CreatedAt = now, StartedAt = now,
        };
        db.Sends.Add(send);
        await db.SaveChangesAsync(cancellationToken);
        db.Deliveries.Add(new DeliveryRecord { SendId = send.Id, SubscriberId = subscriberId, State = DeliveryState.Pending, NextAttemptAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await cluster.SendAsync(ClusterChange.Delivery, cancellationToken);
    }

    /// <summary>Wakes this process's dispatcher after a commit that gave it work (the other instances heard it from the commit).</summary>
    public void Wake() => signal.Notify();

    /// <summary>Stops a send with the reason; false when it was not sending.</summary>
    public async Task<bool> FailAsync(long sendId, string reason, CancellationToken cancellationToken = default) =>
        await db.Sends.Where(s => s.Id == sendId && s.Status == SendStatus.Sending)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SendStatus.Failed).SetProperty(s => s.FailureReason, reason), cancellationToken) == 1;

    /// <summary>Resumes a failed send: its waiting deliveries are due again now.</summary>
    public async Task<bool> ResumeAsync(long sendId, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var resumed = await db.Sends.Where(s => s.Id == sendId && s.Status == SendStatus.Failed)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SendStatus.Sending).SetProperty(s => s.FailureReason, (string?)null), cancellationToken) == 1;
        if (resumed)
        {
            var now = Now;
            await db.Deliveries.Where(d => d.SendId == sendId && (d.State == DeliveryState.Deferred || d.State == DeliveryState.Pending))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, now), cancellationToken);
        }

        if (resumed)
        {
            await cluster.SendAsync(ClusterChange.Delivery, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (resumed)
        {
            Wake();
        }

        return resumed;
    }

    private async Task<Send> CreateAsync(SendKind kind, string language, string subject, string htmlBody, string textBody, CancellationToken cancellationToken)
    {
        if (!Language.IsSupported(language))
        {
            throw new ArgumentException($"Unknown language '{language}': use en or ar.", nameof(language));
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            throw new ArgumentException($"A subject is required, on one line, at most {MaxSubjectLength} characters.", nameof(subject));
        }

        if (string.IsNullOrWhiteSpace(htmlBody) && string.IsNullOrWhiteSpace(textBody))
        {
            throw new ArgumentException("A mailing needs a body.", nameof(htmlBody));
        }

        var now = Now;
        var send = new Send
        {
            Kind = kind, Status = SendStatus.Materialising, Language = language, Subject = subject.Trim(),
            HtmlBody = htmlBody, TextBody = textBody, CreatedAt = now,
        };
        db.Sends.Add(send);
        await db.SaveChangesAsync(cancellationToken);
        // Inside the caller's transaction when there is one (an edition handed over): then it arrives with the commit.
        await cluster.SendAsync(ClusterChange.Delivery, cancellationToken);
        Wake();
        return send;
    }
}
