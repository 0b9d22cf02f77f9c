using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Publishing;

public sealed class PostServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostInput Report(string title, string language = "en") => new()
    {
        Kind = PostKind.Report,
        Language = language,
        Title = title,
        Lede = "A lede.",
        BodyMarkdown = "Body text with **strong** words.",
        Status = PostStatus.Published,
    };

    private static Task<Post> CreateAsync(TestServices services, PostInput input) =>
        services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(input, Ct));

    private static Task<int> CountAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Posts.CountAsync(Ct));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_arabic_title_gives_an_arabic_slug_and_duplicates_get_a_suffix(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var first = await CreateAsync(services, Report("شحّ المياه في المدينة", "ar"));
        var second = await CreateAsync(services, Report("شحّ المياه في المدينة", "ar"));
        var english = await CreateAsync(services, Report("Water: who profits?"));

        Assert.Equal("شح-المياه-في-المدينة", first.Slug);
        Assert.Equal("شح-المياه-في-المدينة-2", second.Slug);
        Assert.Equal("water-who-profits", english.Slug);
        Assert.Equal("admin-report", (await CreateAsync(services, Report("Admin"))).Slug); // a title never yields a reserved slug
        Assert.Equal("<p>Body text with <strong>strong</strong> words.</p>", first.BodyHtml.Trim());
        Assert.True(services.Changes.Count >= 3, "Each save tells the caches that content changed.");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_input_is_refused_with_a_message_and_writes_nothing(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        await CreateAsync(services, Report("Taken") with { Slug = "taken" });
        var bad = new (PostInput Input, string Expected)[]
        {
            (Report("News") with { Slug = "news" }, "reserved"),
            (Report("x") with { Slug = "Not A Slug" }, "lower-case"),
            (Report("Another") with { Slug = "taken" }, "already has the slug"),
            (Report("   "), "needs a title"),
            (Report("Hello", "fr"), "Unknown language"),
            (Report("Design without image") with { Kind = PostKind.Design }, "cover image"),
            (Report("Image without alt") with { CoverImageUrl = "/assets/demo/x.svg" }, "alt text"),
            (Report("Remote image") with { CoverImageUrl = "https://tracker.example/x.png", CoverImageAlt = "x" }, "on this site"),
            (Report("Future") with { PublishAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc) }, "schedule it"),
            (Report("Scheduled without time") with { Status = PostStatus.Scheduled }, "publish time"),
            (Report("Translation of nothing") with { TranslationOf = 999 }, "no post 999"),
            (Report("Ghost author") with { AuthorSlugs = ["nobody"] }, "Unknown author"),
            (Report(new string('t', 301)), "longer than"),
        };

        foreach (var (input, expected) in bad)
        {
            var error = await Assert.ThrowsAsync<PublishingException>(() => CreateAsync(services, input));
            Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(1, await CountAsync(services));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Translations_are_linked_both_ways_and_only_once_per_language(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var english = await CreateAsync(services, Report("Bread prices"));
        var arabic = await CreateAsync(services, Report("أسعار الخبز", "ar") with { TranslationOf = english.Id });

        var reloaded = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().SingleAsync(p => p.Id == english.Id, Ct));
        Assert.NotNull(arabic.TranslationKey);
        Assert.Equal(arabic.TranslationKey, reloaded.TranslationKey);

        await Assert.ThrowsAsync<PublishingException>(() => CreateAsync(services, Report("خبز", "ar") with { TranslationOf = english.Id }));
        await Assert.ThrowsAsync<PublishingException>(() => CreateAsync(services, Report("Same language") with { TranslationOf = english.Id }));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_scheduled_post_publishes_itself_when_its_time_comes(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var at = services.Clock.GetUtcNow().UtcDateTime.AddHours(2);
        var post = await CreateAsync(services, Report("Embargoed") with { Status = PostStatus.Scheduled, PublishAt = at });
        Assert.Equal(PostStatus.Scheduled, post.Status);

        Assert.Equal(0, await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().PublishDueAsync(Ct)));
        services.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().PublishDueAsync(Ct)));
        Assert.Equal(0, await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().PublishDueAsync(Ct)));

        var reloaded = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().SingleAsync(p => p.Id == post.Id, Ct));
        Assert.Equal(PostStatus.Published, reloaded.Status);
        Assert.Equal(at, reloaded.PublishAt);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Tags_are_shared_per_language_and_editing_keeps_the_published_url(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var one = await CreateAsync(services, Report("One") with { Tags = ["Water", "water", " Economy "] });
        var two = await CreateAsync(services, Report("Two") with { Tags = ["Water"] });
        var edited = await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().UpdateAsync(one.Id, Report("One, retitled") with { Tags = ["Water"] }, Ct));

        Assert.Equal("one", edited.Slug);
        Assert.Equal("One, retitled", edited.Title);
        var tags = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Tags.AsNoTracking().OrderBy(t => t.Slug).Select(t => t.Slug).ToListAsync(Ct));
        Assert.Equal(["economy", "water"], tags);
        Assert.Equal(two.Tags.Single().Id, edited.Tags.Single().Id);
    }
}
