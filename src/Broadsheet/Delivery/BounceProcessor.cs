using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Acts on what comes back: a hard bounce suppresses the address at once, soft bounces after three in thirty days,
/// a complaint unsubscribes and suppresses, an auto-reply is nothing. Reports are matched to a delivery by the VERP
/// return path (keyed, so it cannot be forged) or, failing that, by our Message-ID. Handling a report twice (the
/// mailbox and the webhook, or a poll that crashed before deleting) changes nothing the second time.
/// </summary>
public sealed partial class BounceProcessor(
    BroadsheetDb db,
    ReturnPath returnPath,
    SubscriptionService subscriptions,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    ILogger<BounceProcessor> logger)
{
    public const int SoftBouncesToSuppress = 3;
    public static readonly TimeSpan SoftBounceWindow = TimeSpan.FromDays(30);

    public async Task<BounceHandling> HandleAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // The mailto form of List-Unsubscribe: "unsubscribe TOKEN" in the subject. The token proves who it is.
        if (MailtoUnsubscribe().Match(message.Subject ?? "") is { Success: true } unsubscribe)
        {
            return await subscriptions.UnsubscribeAsync(unsubscribe.Groups[1].Value, "mailto", cancellationToken)
                ? BounceHandling.Unsubscribed
                : BounceHandling.Unmatched;
        }

        var report = BounceParser.Parse(message);
        if (!report.IsBounce && report.Kind != BounceKind.Complaint)
        {
            return BounceHandling.Ignored;
        }

        var delivery = await FindDeliveryAsync(report, cancellationToken);
        if (delivery is null)
        {
            LogUnmatched(report.Kind);
            return BounceHandling.Unmatched;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (await db.BounceEvents.AnyAsync(b => b.DeliveryId == delivery.Id && b.Kind == report.Kind, cancellationToken))
        {
            return BounceHandling.Applied;
        }

        db.BounceEvents.Add(new BounceEvent { SubscriberId = delivery.SubscriberId, DeliveryId = delivery.Id, Kind = report.Kind, Status = report.Status, At = now });
        if (report.Kind == BounceKind.HardBounce)
        {
            // It was accepted by a relay, then refused further on: not delivered after all.
            delivery.State = DeliveryState.Failed;
            delivery.LastResult = Truncate($"bounced {report.Status} {report.Diagnostic}".Trim(), 300);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same report, handled at the same moment elsewhere (the webhook and the poller): it counts once.
            db.ChangeTracker.Clear();
            return BounceHandling.Applied;
        }

        var stop = report.Kind switch
        {
            BounceKind.HardBounce => SubscriberStatus.Bounced,
            BounceKind.Complaint => SubscriberStatus.Complained,
            _ => await SoftBouncesAsync(delivery.SubscriberId, now, cancellationToken) >= SoftBouncesToSuppress ? SubscriberStatus.Bounced : (SubscriberStatus?)null,
        };
        if (stop is { } status)
        {
            await subscriptions.StopForFeedbackAsync(delivery.SubscriberId, status, report.Kind.ToString(), cancellationToken);
        }

        LogApplied(report.Kind, delivery.Id, report.Status);
        return BounceHandling.Applied;
    }

    private async Task<DeliveryRecord?> FindDeliveryAsync(BounceReport report, CancellationToken cancellationToken)
    {
        long? id = null;
        foreach (var address in report.ReturnAddresses)
        {
            if (returnPath.TryParse(address, out var fromReturnPath))
            {
                id = fromReturnPath;
                break;
            }
        }

        // A Message-ID is only trusted when it is one of ours, for our domain; the VERP match above is preferred.
        var domain = "@" + MailboxAddress.Parse(options.Value.Mail.From).Address.Split('@').Last();
        id ??= report.OriginalMessageIds
            .Where(m => m.Trim('<', '>').EndsWith(domain, StringComparison.OrdinalIgnoreCase))
            .Select(DeliveryComposer.DeliveryIdOf).FirstOrDefault(d => d is not null);
        return id is { } found ? await db.Deliveries.FirstOrDefaultAsync(d => d.Id == found, cancellationToken) : null;
    }

    private Task<int> SoftBouncesAsync(long subscriberId, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - SoftBounceWindow;
        return db.BounceEvents.CountAsync(b => b.SubscriberId == subscriberId && b.Kind == BounceKind.SoftBounce && b.At > since, cancellationToken);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [GeneratedRegex(@"^\s*unsubscribe\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MailtoUnsubscribe();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} applied to delivery {DeliveryId} ({Status})")]
    private partial void LogApplied(BounceKind kind, long deliveryId, string? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Kind} matched no delivery of ours")]
    private partial void LogUnmatched(BounceKind kind);
}
