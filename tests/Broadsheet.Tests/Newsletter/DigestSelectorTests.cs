using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Newsletter;

/// <summary>"The most important updates": which posts an edition carries, in which order, and only once.</summary>
public sealed class DigestSelectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 1 December 2026, 09:00 in the default zone (Asia/Damascus, +03): the send time of 2026-12-A.
    private static readonly DateTimeOffset SendTime = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static async Task<TestServices> ServicesAsync(DatabaseProvider provider, DateTimeOffset now) =>
        await TestServices.CreateAsync(provider, new Dictionary<string, string?>(), now: now);

    // Published, or scheduled when the time is still ahead of the test's clock.
    private static Task<Post> PostAsync(TestServices services, string title, PostKind kind, DateTimeOffset publishAt, string language = "en", int priority = 0, bool featured = false) =>
        services.InScopeAsync(sp =>
        {
            var status = publishAt > services.Clock.GetUtcNow() ? PostStatus.Scheduled : PostStatus.Published;
            return sp.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = kind, Language = language, Title = title, Lede = $"The lede of {title}.", BodyMarkdown = "Body.",
                Status = status, PublishAt = publishAt.UtcDateTime, Priority = priority, Featured = featured,
                CoverImageUrl = kind == PostKind.Design ? "/assets/demo/cover.svg" : null, CoverImageAlt = kind == PostKind.Design ? "A chart" : null,
            }, Ct);
        });

    private static async Task<Edition> EditionAsync(TestServices services, string language = "en")
    {
        var made = await services.InScopeAsync(sp => sp.GetRequiredService<EditionPlanner>().PlanAsync(Ct));
        return made.Single(e => e.Language == language);
    }

    // Prepares the edition as the scheduler does (choosing again when it was filled before) and returns its items.
    private static async Task<IReadOnlyList<EditionItem>> FillAsync(IServiceProvider sp, Edition edition, CancellationToken cancellationToken)
    {
        var editions = sp.GetRequiredService<EditionService>();
        await editions.PrepareAsync(edition.Id, refresh: true, cancellationToken);
        return (await editions.ItemsAsync(edition.Id, cancellationToken)).Select(i => i.Item).ToList();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Posts_are_ranked_by_pin_and_priority_then_kind_then_recency_with_a_cap_per_section(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider, new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        var old = await PostAsync(services, "Before the period", PostKind.Report, new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero));
        var report = await PostAsync(services, "A report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        var pinned = await PostAsync(services, "A pinned report", PostKind.Report, new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero), featured: true);
        var design = await PostAsync(services, "A design", PostKind.Design, new DateTimeOffset(2026, 11, 19, 0, 0, 0, TimeSpan.Zero));
        var urgent = await PostAsync(services, "Urgent news", PostKind.News, new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero), priority: 5);
        var news = new List<Post>();
        for (var i = 0; i < 6; i++)
        {
            news.Add(await PostAsync(services, $"News {i}", PostKind.News, new DateTimeOffset(2026, 11, 17, i, 0, 0, TimeSpan.Zero)));
        }

        var arabic = await PostAsync(services, "تقرير", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), language: "ar");
        var future = await PostAsync(services, "After the send time", PostKind.Report, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        var edition = await EditionAsync(services);
        var items = await services.InScopeAsync(sp => FillAsync(sp, edition, Ct));

        var order = items.OrderBy(i => i.Position).Select(i => i.PostId).ToList();
        // Reports (pinned first), then designs, then news (priority first, then newest), five news at most.
        Assert.Equal([pinned.Id, report.Id, design.Id, urgent.Id, news[5].Id, news[4].Id, news[3].Id, news[2].Id], order);
        Assert.DoesNotContain(old.Id, order);
        Assert.DoesNotContain(arabic.Id, order);
        Assert.DoesNotContain(future.Id, order);
        Assert.Equal([PostKind.Report, PostKind.Report, PostKind.Design], items.OrderBy(i => i.Position).Take(3).Select(i => i.Section));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_post_goes_out_in_one_edition_only_and_an_empty_period_is_skipped(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider, new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        var post = await PostAsync(services, "A report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        var first = await EditionAsync(services);
        Assert.Single(await services.InScopeAsync(sp => FillAsync(sp, first, Ct)));

        // Filling the same draft again gives the same, not a second copy.
        Assert.Single(await services.InScopeAsync(sp => FillAsync(sp, first, Ct)));

        // The next period has nothing new: the report is not carried again, and the edition is skipped.
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 14, 12, 0, 0, TimeSpan.Zero));
        var second = await EditionAsync(services);
        Assert.Equal("2026-12-B", second.PeriodKey);
        Assert.Empty(await services.InScopeAsync(sp => FillAsync(sp, second, Ct)));
        var stored = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking().SingleAsync(e => e.Id == second.Id, Ct));
        Assert.Equal(EditionStatus.Skipped, stored.Status);

        // And the database itself holds a post to one digest edition.
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        db.EditionItems.Add(new EditionItem { EditionId = second.Id, PostId = post.Id, Section = PostKind.Report, Position = 0 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    private static Task<int> ReadAsync(TestServices services, Post post, params (int DaysAfterPublishing, long Views)[] days) =>
        services.InScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            foreach (var (after, views) in days)
            {
                db.PostViews.Add(new PostViewDay { PostId = post.Id, Day = post.PublishAt!.Value.Date.AddDays(after), Views = views });
            }

            return db.SaveChangesAsync(Ct);
        });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Among_posts_of_one_kind_and_priority_the_more_read_comes_first_and_priority_still_wins(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider, new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        var newest = await PostAsync(services, "Newest, unread", PostKind.News, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        var steady = await PostAsync(services, "Read over three days", PostKind.News, new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero));
        var burst = await PostAsync(services, "Read on one day", PostKind.News, new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero));
        var urgent = await PostAsync(services, "Urgent, unread", PostKind.News, new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero), priority: 1);
        var report = await PostAsync(services, "A report, little read", PostKind.Report, new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero));
        // Readership is every counted day together: 30 + 25 + 20 beats a single day of 60.
        await ReadAsync(services, steady, (0, 30), (1, 25), (2, 20));
        await ReadAsync(services, burst, (0, 60));
        await ReadAsync(services, report, (0, 1));

        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        var edition = await EditionAsync(services);
        var selected = await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().SelectAsync(edition, Ct));

        // The kind still comes before readership (the report leads), priority before readership within a kind,
        // then the more read, then the newest.
        Assert.Equal([report.Id, urgent.Id, steady.Id, burst.Id, newest.Id], selected.Select(s => s.Post.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Clicks_from_earlier_editions_count_as_readership_only_when_click_tracking_is_on(DatabaseProvider provider)
    {
        foreach (var tracking in new[] { false, true })
        {
            await using var services = await TestServices.CreateAsync(provider,
                new Dictionary<string, string?> { ["Broadsheet:Tracking:Clicks"] = tracking ? "true" : "false" },
                now: new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
            var read = await PostAsync(services, "Read on the site", PostKind.News, new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero));
            var clicked = await PostAsync(services, "Clicked in a special edition", PostKind.News, new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero));
            await ReadAsync(services, read, (0, 10));
            await ReadAsync(services, clicked, (0, 5));
            await services.InScopeAsync(async sp =>
            {
                // A breaking-news special edition that carried the post, and the clicks its link got there.
                var db = sp.GetRequiredService<BroadsheetDb>();
                var sent = clicked.PublishAt!.Value.AddHours(1);
                var special = new Edition
                {
                    Newsletter = Edition.Special, Language = "en", PeriodKey = "special-1", Status = EditionStatus.Sent,
                    ScheduledFor = sent, CreatedAt = sent, SentAt = sent,
                };
                db.Editions.Add(special);
                await db.SaveChangesAsync(Ct);
                db.EditionItems.Add(new EditionItem { EditionId = special.Id, Newsletter = Edition.Special, PostId = clicked.Id, Section = PostKind.News, Position = 0 });
                db.EditionClicks.Add(new EditionClick { EditionId = special.Id, PostId = clicked.Id, Clicks = 20 });
                return await db.SaveChangesAsync(Ct);
            });

            services.Clock.SetUtcNow(SendTime.AddHours(-20));
            var edition = await EditionAsync(services);
            var order = (await services.InScopeAsync(sp => FillAsync(sp, edition, Ct)))
                .OrderBy(i => i.Position).Select(i => i.PostId).ToList();

            // 10 views against 5 views and 20 clicks: the clicks decide only when they are tracked. A special edition
            // does not keep a post out of the digest.
            int[] expected = tracking ? [clicked.Id, read.Id] : [read.Id, clicked.Id];
            Assert.Equal(expected, order);
        }
    }

    [Fact]
    public async Task The_seed_fixture_imported_as_an_english_report_leads_the_next_english_edition_with_its_lede()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite, new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var imported = TextImporter.Parse(TextImporter.ReadFile(Fixtures.Path("seed-article.txt")));
        var post = await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = PostKind.Report, Language = "en", Title = imported.Title ?? "Imported report", Lede = imported.Lede, BodyMarkdown = imported.BodyMarkdown,
            Status = PostStatus.Published, PublishAt = new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc),
        }, Ct));

        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        var edition = await EditionAsync(services);
        var selected = await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().SelectAsync(edition, Ct));
        var (first, section) = selected[0];
        Assert.Equal(post.Id, first.Id);
        Assert.Equal(PostKind.Report, section);
        Assert.Equal(File.ReadLines(Fixtures.Path("seed-article.txt")).First().Trim(), first.Lede);
    }
}
