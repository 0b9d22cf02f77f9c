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
        var items = await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().FillAsync(edition, Ct));

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
        Assert.Single(await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().FillAsync(first, Ct)));

        // Filling the same draft again gives the same, not a second copy.
        Assert.Single(await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().FillAsync(first, Ct)));

        // The next period has nothing new: the report is not carried again, and the edition is skipped.
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 14, 12, 0, 0, TimeSpan.Zero));
        var second = await EditionAsync(services);
        Assert.Equal("2026-12-B", second.PeriodKey);
        Assert.Empty(await services.InScopeAsync(sp => sp.GetRequiredService<DigestSelector>().FillAsync(second, Ct)));
        var stored = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking().SingleAsync(e => e.Id == second.Id, Ct));
        Assert.Equal(EditionStatus.Skipped, stored.Status);

        // And the database itself holds a post to one digest edition.
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        db.EditionItems.Add(new EditionItem { EditionId = second.Id, PostId = post.Id, Section = PostKind.Report, Position = 0 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
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
