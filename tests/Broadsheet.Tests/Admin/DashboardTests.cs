using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web.Admin;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// The dashboard's weekly figures from the database (both providers, weeks in the publication's time zone) and the
/// charts drawn from them: a bar per week with data, a point per week, mirrored in Arabic, a table of every number.
/// </summary>
public sealed class DashboardTests
{
    // A Wednesday, 13:00 in Riyadh (UTC+3 all year): the current week began on Monday 23 November, local time.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new() { ["Broadsheet:TimeZone"] = "Asia/Riyadh" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTime Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private static int[] Weeks(params (int Week, int Count)[] counts)
    {
        var all = new int[DashboardQueries.Weeks];
        foreach (var (week, count) in counts)
        {
            all[week] = count;
        }

        return all;
    }

    private static async Task<DashboardData> SeedAndLoadAsync(TestServices services)
    {
        await using (var scope = services.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
            Subscriber Add(string email, SubscriberStatus status, DateTime? confirmedAt)
            {
                var subscriber = new Subscriber
                {
                    EmailEncrypted = protector.Encrypt(email),
                    EmailIndex = protector.BlindIndex(email),
                    Status = status,
                    Languages = NewsletterLanguages.English,
                    CreatedAt = Utc(8, 1, 9),
                    UpdatedAt = Utc(8, 1, 9),
                    ConfirmedAt = confirmedAt,
                };
                db.Subscribers.Add(subscriber);
                return subscriber;
            }

            var a = Add("a@example.org", SubscriberStatus.Active, Utc(11, 24, 9)); // week 11
            Add("b@example.org", SubscriberStatus.Active, Utc(11, 22, 22, 30)); // Sunday in UTC, Monday 01:30 in Riyadh: week 11
            Add("c@example.org", SubscriberStatus.Active, Utc(11, 22, 20, 30)); // Sunday 23:30 in Riyadh: week 10
            Add("d@example.org", SubscriberStatus.Active, Utc(9, 6, 22)); // Monday 7 September 01:00 in Riyadh: week 0
            Add("e@example.org", SubscriberStatus.Unsubscribed, Utc(9, 6, 20)); // 23:00 the Sunday before: outside
            Add("f@example.org", SubscriberStatus.Pending, null);
            await db.SaveChangesAsync(Ct);

            ConsentRecord Consent(ConsentAction action, DateTime at) => new() { SubscriberId = a.Id, Action = action, At = at, Source = "test", Language = "en" };
            db.Consents.AddRange(
                Consent(ConsentAction.Signup, Utc(10, 14, 11)),
                Consent(ConsentAction.Confirm, Utc(10, 14, 12)), // week of 12 October: week 5
                Consent(ConsentAction.Confirm, Utc(10, 18, 20, 59)), // Sunday 23:59 in Riyadh: still week 5
                Consent(ConsentAction.Unsubscribe, Utc(11, 25, 8)), // week 11
                Consent(ConsentAction.Unsubscribe, Utc(8, 1, 8)), // outside
                Consent(ConsentAction.Resubscribe, Utc(11, 25, 9)));

            var slug = 0;
            Post Post(PostStatus status, DateTime? publishAt) => new()
            {
                Kind = PostKind.News,
                Language = "en",
                Title = "T",
                Slug = $"post-{slug++}",
                Status = status,
                PublishAt = publishAt,
                CreatedAt = Utc(8, 1, 9),
                UpdatedAt = Utc(8, 1, 9),
            };
            db.Posts.AddRange(
                Post(PostStatus.Published, Utc(11, 2, 10)), // week 8
                Post(PostStatus.Published, Utc(11, 8, 20)), // Sunday 23:00 in Riyadh: week 8
                Post(PostStatus.Published, Utc(9, 20, 7)), // week 1
                Post(PostStatus.Published, Utc(11, 26, 7)), // published, but not public until tomorrow
                Post(PostStatus.Scheduled, Utc(11, 27, 7)),
                Post(PostStatus.Draft, null),
                Post(PostStatus.Published, Utc(1, 5, 7))); // long ago
            await db.SaveChangesAsync(Ct);
        }

        await using var queries = services.Scope();
        return await ActivatorUtilities.CreateInstance<DashboardQueries>(queries.ServiceProvider).LoadAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_weekly_figures_are_counted_per_week_in_the_publication_time_zone(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Settings, now: Now);
        var data = await SeedAndLoadAsync(services);

        Assert.Equal(new DashboardFigures(PublishedPosts: 5, Drafts: 1, ActiveSubscribers: 4, PendingSubscribers: 1), data.Figures);
        var charts = data.Charts;
        Assert.Equal(DashboardQueries.Weeks, charts.Weeks.Count);
        Assert.Equal(new DateOnly(2026, 9, 7), charts.Weeks[0]);
        Assert.Equal(new DateOnly(2026, 11, 23), charts.Weeks[^1]);
        Assert.All(charts.Weeks, week => Assert.Equal(DayOfWeek.Monday, week.DayOfWeek));

        Assert.Equal(Weeks((0, 1), (10, 1), (11, 2)), charts.NewActive);
        Assert.Equal(Weeks((5, 2)), charts.Confirmations);
        Assert.Equal(Weeks((11, 1)), charts.Unsubscribes);
        Assert.Equal(Weeks((1, 1), (8, 2)), charts.Published);
    }

    [Fact]
    public void Weeks_begin_at_local_midnight_on_mondays()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Riyadh");
        var (weeks, bounds) = DashboardQueries.WeekBounds(Now.UtcDateTime, zone);
        Assert.Equal(DashboardQueries.Weeks + 1, bounds.Length);
        Assert.Equal(Utc(9, 6, 21), bounds[0]);
        Assert.Equal(Utc(11, 29, 21), bounds[^1]);
        Assert.All(bounds.Zip(bounds.Skip(1)), pair => Assert.Equal(TimeSpan.FromDays(7), pair.Second - pair.First));
        Assert.All(bounds, bound => Assert.Equal(DateTimeKind.Utc, bound.Kind));
        Assert.Equal(new DateOnly(2026, 11, 23), weeks[^1]);

        // Early on a Monday in UTC it is already Monday in Riyadh, and a new week has begun there.
        var (mondayWeeks, _) = DashboardQueries.WeekBounds(Utc(11, 29, 21, 30), zone);
        Assert.Equal(new DateOnly(2026, 11, 30), mondayWeeks[^1]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_charts_draw_a_bar_for_each_week_with_data_and_a_point_for_every_week(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Settings, now: Now);
        var data = await SeedAndLoadAsync(services);
        var html = await RenderAsync(data, Language.English);

        var growth = Chart(html, "chart-growth");
        Assert.Contains("<svg class=\"chart-svg\"", growth, StringComparison.Ordinal);
        var points = Points(growth);
        Assert.Equal(DashboardQueries.Weeks, points.Count);
        Assert.Equal(data.Charts.NewActive, points.Select(p => p.Value));
        Assert.Equal(data.Charts.Weeks.Select(Iso), points.Select(p => p.Week));
        Assert.Contains("aria-label=\"New active subscribers, last twelve weeks: 4 in all; the most, 2, in the week of 23 Nov.\"", growth, StringComparison.Ordinal);

        var consents = Chart(html, "chart-consents");
        Assert.Equal([("2026-10-12", 2), ("2026-11-23", 1)], Bars(consents).Select(b => (b.Week, b.Value)).Order());
        Assert.Equal(2, Regex.Count(consents, "<rect class=\"bar series-(confirm|unsubscribe)\""));
        Assert.Single(Regex.Matches(consents, "<rect class=\"bar series-unsubscribe\""));

        var posts = Chart(html, "chart-posts");
        Assert.Equal([("2026-09-14", 1), ("2026-11-02", 2)], Bars(posts).Select(b => (b.Week, b.Value)).Order());

        // The text alternative: a table with every week's numbers.
        var rows = Regex.Matches(posts, "<tr data-week=\"([0-9-]+)\"><th scope=\"row\">[^<]+</th><td>(\\d+)</td></tr>");
        Assert.Equal(DashboardQueries.Weeks, rows.Count);
        Assert.Equal(data.Charts.Published, rows.Select(r => int.Parse(r.Groups[2].Value, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task In_arabic_the_time_axis_runs_from_right_to_left()
    {
        var weeks = Enumerable.Range(0, DashboardQueries.Weeks).Select(i => new DateOnly(2026, 9, 7).AddDays(7 * i)).ToList();
        var values = Enumerable.Range(1, DashboardQueries.Weeks).ToList();
        var data = new DashboardData(new DashboardFigures(1, 2, 3, 4), new DashboardCharts(weeks, values, values, values, values));

        var english = Points(Chart(await RenderAsync(data, Language.English), "chart-growth"));
        Assert.True(english[0].X < english[^1].X, "In English the oldest week is on the left.");
        Assert.Equal(english.OrderBy(p => p.X).Select(p => p.Week), english.Select(p => p.Week));

        var page = await RenderAsync(data, Language.Arabic);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains("المشتركون الفاعلون الجدد في كل أسبوع", page, StringComparison.Ordinal);
        Assert.Contains("7 سبتمبر", page, StringComparison.Ordinal);
        var arabic = Points(Chart(page, "chart-growth"));
        Assert.True(arabic[0].X > arabic[^1].X, "In Arabic the oldest week is on the right.");
        Assert.Equal(english.Select(p => 640 - p.X), arabic.Select(p => p.X));
        var bars = Bars(Chart(page, "chart-posts"));
        Assert.Equal(DashboardQueries.Weeks, bars.Count);
        Assert.Equal(bars.OrderByDescending(b => b.X).Select(b => b.Week), bars.Select(b => b.Week));
    }

    [Fact]
    public async Task Without_data_each_chart_says_so_instead_of_drawing()
    {
        var weeks = Enumerable.Range(0, DashboardQueries.Weeks).Select(i => new DateOnly(2026, 9, 7).AddDays(7 * i)).ToList();
        var zeros = new int[DashboardQueries.Weeks];
        var data = new DashboardData(new DashboardFigures(0, 0, 0, 0), new DashboardCharts(weeks, zeros, zeros, zeros, zeros));

        var html = await RenderAsync(data, Language.English);
        Assert.Equal(3, Regex.Count(html, "<p class=\"chart-empty\">Nothing yet in the last twelve weeks.</p>"));
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(await RenderAsync(data, Language.Arabic), "لا شيء بعد في الأسابيع الاثني عشر الأخيرة."));
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Chart(string html, string id)
    {
        var match = Regex.Match(html, $"<figure class=\"chart\" id=\"{id}\".*?</figure>", RegexOptions.Singleline);
        Assert.True(match.Success, $"The page has the chart {id}.");
        return match.Value;
    }

    private static List<(double X, string Week, int Value)> Points(string chart) =>
        Regex.Matches(chart, "<circle class=\"point [^\"]+\" cx=\"([0-9.]+)\" cy=\"[0-9.]+\" r=\"4\" data-week=\"([0-9-]+)\" data-value=\"(\\d+)\"")
            .Select(m => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToList();

    private static List<(double X, string Week, int Value)> Bars(string chart) =>
        Regex.Matches(chart, "<rect class=\"bar [^\"]+\" x=\"([0-9.]+)\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"[0-9.]+\" data-week=\"([0-9-]+)\" data-value=\"(\\d+)\"")
            .Select(m => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The dashboard page as the host renders it (same encoder settings), for a staff member in <paramref name="language"/>.</summary>
    private static async Task<string> RenderAsync(DashboardData data, string language)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        await using var services = collection.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var view = new AdminView
        {
            Member = new StaffMember { Id = 1, Name = "Test", Role = StaffRole.Contributor, Language = language },
            Language = language,
            Title = "Dashboard",
            Antiforgery = "token",
            Path = "/admin",
        };
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<DashboardPage>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                ["View"] = view,
                ["Figures"] = data.Figures,
                ["Charts"] = data.Charts,
            }));
            return output.ToHtmlString();
        });
    }

    // The real dashboard, through the host, for the least trusted role: the counts and the four charts.
    [Fact]
    public async Task Every_staff_member_sees_the_charts_on_the_dashboard()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: true);
        using var _ = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor);
        var html = await contributor.GetStringAsync("/admin");
        Assert.Contains(">24</span>", html, StringComparison.Ordinal);
        foreach (var title in new[] { DashboardText.English.GrowthTitle, DashboardText.English.ConsentTitle, DashboardText.English.PostsTitle })
        {
            Assert.Contains(title, html, StringComparison.Ordinal);
        }

        // The demo posts were published this week: their chart is drawn; no reader has subscribed yet: those say so.
        Assert.True(Regex.Count(html, "<svg class=\"chart-svg\"") >= 1, "at least the posts chart is drawn");
        Assert.Contains(DashboardText.English.NoData, html, StringComparison.Ordinal);
    }
}
