using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Newsletter;

public sealed class DigestScheduleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> ZonesAndTimes => new()
    {
        { "UTC", "0 9 1,15 * *" }, { "Europe/London", "0 9 1,15 * *" }, { "America/New_York", "0 9 1,15 * *" }, { "Asia/Damascus", "0 9 1,15 * *" },
        { "UTC", "30 2 1,15 * *" }, { "Europe/London", "30 2 1,15 * *" }, { "America/New_York", "30 2 1,15 * *" }, { "Asia/Damascus", "30 2 1,15 * *" },
    };

    [Theory]
    [MemberData(nameof(ZonesAndTimes))]
    public void Three_years_have_72_send_times_with_72_distinct_period_keys(string zoneId, string cron)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var schedule = new DigestSchedule(cron, zone);
        var times = schedule.Between(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(-14), new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(-14)).ToList();
        var keys = times.Select(schedule.PeriodKey).ToList();

        Assert.Equal(72, times.Count);
        Assert.Equal(72, keys.Distinct(StringComparer.Ordinal).Count());
        foreach (var month in Enumerable.Range(0, 36).Select(m => new DateTime(2026, 1, 1).AddMonths(m)))
        {
            var prefix = $"{month:yyyy-MM}-";
            Assert.Equal([prefix + "A", prefix + "B"], keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        // The local wall-clock time is what the editor set, in summer and in winter.
        var expectedHour = cron.StartsWith("30 2", StringComparison.Ordinal) ? 2 : 9;
        Assert.All(times, t => Assert.Equal(expectedHour, TimeZoneInfo.ConvertTime(t, zone).Hour));
    }

    // A schedule that does fall on clock-change days (every Sunday 02:30 in New York): the missing 02:30 in March moves
    // forward to 03:00, the doubled 01:30–02:00 hour in November does not make 02:30 fire twice.
    [Fact]
    public void On_clock_change_days_a_send_time_is_neither_skipped_nor_doubled()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var schedule = new DigestSchedule("30 1,2 * * 0", zone);
        var spring = schedule.Between(new DateTimeOffset(2027, 3, 14, 0, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2027, 3, 15, 0, 0, 0, TimeSpan.FromHours(-4))).ToList();
        var autumn = schedule.Between(new DateTimeOffset(2027, 11, 7, 0, 0, 0, TimeSpan.FromHours(-4)), new DateTimeOffset(2027, 11, 8, 0, 0, 0, TimeSpan.FromHours(-5))).ToList();

        Assert.Equal(2, spring.Count);
        Assert.Equal(new TimeSpan(3, 0, 0), TimeZoneInfo.ConvertTime(spring[1], zone).TimeOfDay);
        Assert.Equal(2, autumn.Count);
        Assert.Equal(2, autumn.Select(t => t.UtcDateTime).Distinct().Count());
    }

    [Fact]
    public void A_wrong_expression_is_refused_with_a_reason()
    {
        Assert.False(DigestSchedule.TryValidate("every other tuesday", out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
        Assert.True(DigestSchedule.TryValidate("0 9 1,15 * *", out _));
        Assert.Throws<Cronos.CronFormatException>(() => new DigestSchedule("61 9 * * *", TimeZoneInfo.Utc));
    }

    // The scheduler wakes every few hours for three simulated years (and is "restarted" 50 times around one send
    // time): each period gets exactly one edition per language, none twice, none skipped.
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Three_simulated_years_of_planning_make_one_edition_per_period_and_language(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Broadsheet:TimeZone"] = "Europe/London",
            ["Broadsheet:Newsletter:Schedule"] = "30 2 1,15 * *",
        }, now: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var end = new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero);
        while (services.Clock.GetUtcNow() < end)
        {
            await services.InScopeAsync(sp => sp.GetRequiredService<EditionPlanner>().PlanAsync(Ct));
            services.Clock.Advance(TimeSpan.FromHours(7));
        }

        // Fifty restarts in the minutes around the next send time (15 January 2029, 02:30): one edition per language in all.
        services.Clock.SetUtcNow(new DateTimeOffset(2029, 1, 15, 2, 0, 0, TimeSpan.Zero));
        var madeAround = 0;
        for (var restart = 0; restart < 50; restart++)
        {
            madeAround += (await services.InScopeAsync(sp => sp.GetRequiredService<EditionPlanner>().PlanAsync(Ct))).Count;
            services.Clock.Advance(TimeSpan.FromMinutes(1.3));
        }

        Assert.Equal(2, madeAround);

        var editions = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking().ToListAsync(Ct));
        foreach (var language in new[] { "en", "ar" })
        {
            var mine = editions.Where(e => e.Language == language && e.ScheduledFor < end.UtcDateTime).ToList();
            Assert.Equal(72, mine.Count);
            Assert.Equal(72, mine.Select(e => e.PeriodKey).Distinct(StringComparer.Ordinal).Count());
            Assert.All(mine, e => Assert.Equal(EditionStatus.Draft, e.Status));
        }
    }

    // Several planners at once (instances starting together) still make one edition per period and language.
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Concurrent_planners_make_each_edition_once(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, new Dictionary<string, string?>(), now: new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var made = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            services.InScopeAsync(sp => sp.GetRequiredService<EditionPlanner>().PlanAsync(Ct))));

        var editions = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(2, editions.Count);
        Assert.Equal(2, made.Sum(m => m.Count));
        Assert.All(editions, e => Assert.Equal("2026-12-A", e.PeriodKey));
    }
}
