using System.Linq.Expressions;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Admin;

/// <summary>
/// The dashboard's figures: the four counts, and per week for the last <see cref="Weeks"/> weeks the subscribers who
/// became active, the confirmations and unsubscribes (from the consent records) and the posts published. Weeks start on
/// Monday in the publication's time zone; the current week is the last one, so far.
/// </summary>
public sealed class DashboardQueries(BroadsheetDb db, TimeProvider time, IOptions<BroadsheetOptions> options)
{
    public const int Weeks = 12;

    public async Task<DashboardData> LoadAsync(CancellationToken cancellationToken = default)
    {
        var figures = new DashboardFigures(
            await db.Posts.CountAsync(p => p.Status == PostStatus.Published, cancellationToken),
            await db.Posts.CountAsync(p => p.Status == PostStatus.Draft, cancellationToken),
            await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Active, cancellationToken),
            await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Pending, cancellationToken));

        var nowUtc = time.GetUtcNow().UtcDateTime;
        var (weeks, bounds) = WeekBounds(nowUtc, options.Value.ResolveTimeZone());
        var start = bounds[0];
        var end = bounds[^1];

        // Each series is one query that counts per week in the database (a CASE over the week boundaries, the same SQL
        // on both providers), so a week with a million imported readers costs a count, not a million rows here. None of
        // these columns is indexed: each query scans its table once, which a page opened a few times a day can afford.
        var newActive = await PerWeekAsync(
            db.Subscribers.Where(s => s.ConfirmedAt >= start && s.ConfirmedAt < end).Select(s => s.ConfirmedAt!.Value), bounds, cancellationToken);
        var confirmations = await PerWeekAsync(
            db.Consents.Where(c => c.Action == ConsentAction.Confirm && c.At >= start && c.At < end).Select(c => c.At), bounds, cancellationToken);
        var unsubscribes = await PerWeekAsync(
            db.Consents.Where(c => c.Action == ConsentAction.Unsubscribe && c.At >= start && c.At < end).Select(c => c.At), bounds, cancellationToken);
        // Published and public: a scheduled post counts in the week it goes out, not before.
        var publishedUntil = nowUtc < end ? nowUtc : end;
        var published = await PerWeekAsync(
            db.Posts.Where(p => p.Status == PostStatus.Published && p.PublishAt >= start && p.PublishAt <= publishedUntil).Select(p => p.PublishAt!.Value),
            bounds, cancellationToken);

        return new DashboardData(figures, new DashboardCharts(weeks, newActive, confirmations, unsubscribes, published));
    }

    /// <summary>
    /// The first day of each of the last <see cref="Weeks"/> weeks in <paramref name="zone"/>, oldest first, and the UTC
    /// instants where they begin, plus where the current week ends (so one more bound than weeks).
    /// </summary>
    public static (IReadOnlyList<DateOnly> Weeks, DateTime[] Bounds) WeekBounds(DateTime nowUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc), zone));
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weeks = Enumerable.Range(0, Weeks).Select(i => monday.AddDays(7 * (i - Weeks + 1))).ToList();
        var bounds = weeks.Append(monday.AddDays(7)).Select(day => StartUtc(day, zone)).ToArray();
        return (weeks, bounds);
    }

    // Midnight where the publication is, as a UTC instant; a midnight skipped by a daylight-saving change moves to the
    // first hour that exists.
    private static DateTime StartUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static async Task<IReadOnlyList<int>> PerWeekAsync(IQueryable<DateTime> times, DateTime[] bounds, CancellationToken cancellationToken)
    {
        var counts = await times.GroupBy(WeekOf(bounds)).Select(g => new { Week = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var perWeek = new int[bounds.Length - 1];
        foreach (var count in counts)
        {
            if (count.Week >= 0 && count.Week < perWeek.Length)
            {
                perWeek[count.Week] += count.Count;
            }
        }

        return perWeek;
    }

    /// <summary><c>t &lt; b1 ? 0 : t &lt; b2 ? 1 : … : n - 1</c>, for times already inside the window.</summary>
    private static Expression<Func<DateTime, int>> WeekOf(DateTime[] bounds)
    {
        var at = Expression.Parameter(typeof(DateTime), "at");
        var boundaries = Expression.Constant(bounds);
        Expression body = Expression.Constant(bounds.Length - 2);
        for (var week = bounds.Length - 3; week >= 0; week--)
        {
            // An array element, not a constant: EF makes each boundary a query parameter.
            var next = Expression.ArrayIndex(boundaries, Expression.Constant(week + 1));
            body = Expression.Condition(Expression.LessThan(at, next), Expression.Constant(week), body);
        }

        return Expression.Lambda<Func<DateTime, int>>(body, at);
    }
}
