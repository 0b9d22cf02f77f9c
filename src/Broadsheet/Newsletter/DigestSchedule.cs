using System.Globalization;
using Cronos;

namespace Broadsheet.Newsletter;

/// <summary>
/// When digest editions go out: a cron expression read in the publication's time zone (Cronos, which handles the
/// clock changes: a time that does not exist that day moves forward to the first that does, a time that happens twice
/// counts once). Each send time has a period key, <c>yyyy-MM-A</c> for the month's first, <c>-B</c> for its second and
/// so on, from the local calendar: the same send time always gets the same key, whatever the clock did.
/// </summary>
public sealed class DigestSchedule
{
    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    public DigestSchedule(string expression, TimeZoneInfo zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        ArgumentNullException.ThrowIfNull(zone);
        _cron = Parse(expression);
        _zone = zone;
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>Whether <paramref name="expression"/> is a five-field cron expression; <paramref name="problem"/> says why not.</summary>
    public static bool TryValidate(string? expression, out string? problem)
    {
        try
        {
            Parse(expression ?? "");
            problem = null;
            return true;
        }
        catch (CronFormatException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The first send time strictly after <paramref name="after"/>, or null when the expression never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _cron.GetNextOccurrence(after, _zone);

    /// <summary>The last send time at or before <paramref name="atOrBefore"/> (within a year), or null.</summary>
    public DateTimeOffset? Previous(DateTimeOffset atOrBefore)
    {
        DateTimeOffset? last = null;
        foreach (var occurrence in _cron.GetOccurrences(atOrBefore.AddDays(-400), atOrBefore, _zone, fromInclusive: true, toInclusive: true))
        {
            last = occurrence;
        }

        return last;
    }

    /// <summary>Every send time in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to) =>
        _cron.GetOccurrences(from, to, _zone, fromInclusive: true, toInclusive: false);

    /// <summary>The period key of a send time of this schedule: its local month and its place in that month.</summary>
    public string PeriodKey(DateTimeOffset sendTime)
    {
        var local = TimeZoneInfo.ConvertTime(sendTime, _zone);
        var monthStart = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, local.Offset);
        var index = _cron.GetOccurrences(monthStart.AddDays(-1), sendTime, _zone, fromInclusive: true, toInclusive: false)
            .Count(o => TimeZoneInfo.ConvertTime(o, _zone) is var l && l.Year == local.Year && l.Month == local.Month);
        return string.Create(CultureInfo.InvariantCulture, $"{local.Year:D4}-{local.Month:D2}-{Letters(index)}");
    }

    /// <summary>The send time a period key names (the inverse of <see cref="PeriodKey"/>), or null when the schedule has no such period.</summary>
    public DateTimeOffset? TimeOf(string? periodKey)
    {
        if (periodKey is null || periodKey.Length < 9 || periodKey[4] != '-' || periodKey[7] != '-'
            || !int.TryParse(periodKey.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(periodKey.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year is < 2000 or > 9999 || month is < 1 or > 12)
        {
            return null;
        }

        var start = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var from = new DateTimeOffset(start, _zone.GetUtcOffset(start)).AddDays(-1);
        foreach (var sendTime in Between(from, from.AddDays(33)))
        {
            if (PeriodKey(sendTime) == periodKey)
            {
                return sendTime;
            }
        }

        return null;
    }

    // A, B, … Z, then AA, AB: a schedule of more than 26 editions a month is odd, but still gets unique keys.
    private static string Letters(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : Letters((index / 26) - 1) + (char)('A' + (index % 26));

    private static CronExpression Parse(string expression) => CronExpression.Parse(expression.Trim(), CronFormat.Standard);
}
