using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// Makes the digest's editions when their time comes: an edition per language for every send time from
/// <see cref="NewsletterOptions.PrepareAhead"/> before it (so editors can review it) until
/// <see cref="NewsletterOptions.Lateness"/> after it (so an app that was down at the send time still sends). Safe to
/// run as often as anyone likes, on any number of instances: the unique period key turns a second attempt into nothing.
/// </summary>
public sealed class EditionPlanner(BroadsheetDb db, IOptions<BroadsheetOptions> options, TimeProvider time)
{
    public DigestSchedule Schedule()
    {
        var o = options.Value;
        return new DigestSchedule(o.Newsletter.Schedule, o.ResolveTimeZone());
    }

    /// <summary>Makes any edition that is due for preparation and not made yet.</summary>
    /// <returns>The editions this call made (none when they all existed).</returns>
    public async Task<IReadOnlyList<Edition>> PlanAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var schedule = Schedule();
        var made = new List<Edition>();
        foreach (var sendTime in schedule.Between(now - o.Newsletter.Lateness, now + o.Newsletter.PrepareAhead + TimeSpan.FromTicks(1)))
        {
            foreach (var language in o.EffectiveLanguages)
            {
                if (await EnsureAsync(schedule, sendTime, language, cancellationToken) is { Made: true } edition)
                {
                    made.Add(edition.Edition);
                }
            }
        }

        return made;
    }

    /// <summary>The digest edition of one send time and language, made now if it does not exist yet (whoever else tries at the same moment).</summary>
    public async Task<(Edition Edition, bool Made)> EnsureAsync(DigestSchedule schedule, DateTimeOffset sendTime, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var key = schedule.PeriodKey(sendTime);
        if (await FindAsync(language, key, cancellationToken) is { } existing)
        {
            return (existing, false);
        }

        var edition = new Edition
        {
            Newsletter = Edition.Digest, Language = language, PeriodKey = key, Status = EditionStatus.Draft,
            ScheduledFor = sendTime.UtcDateTime, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Editions.Add(edition);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (edition, true);
        }
        catch (DbUpdateException)
        {
            // Another instance (or a concurrent run) made it between the check and the insert: it exists once.
            db.Entry(edition).State = EntityState.Detached;
            return (await FindAsync(language, key, cancellationToken) ?? throw new InvalidOperationException($"Edition {language} {key} could not be made."), false);
        }
    }

    private Task<Edition?> FindAsync(string language, string key, CancellationToken cancellationToken) =>
        db.Editions.AsNoTracking().FirstOrDefaultAsync(e => e.Newsletter == Edition.Digest && e.Language == language && e.PeriodKey == key, cancellationToken);
}
