using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Newsletter;

/// <summary>Readership: page views counted in memory per post and UTC day, and added to post_views by the flush.</summary>
public sealed class ReadershipTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Morning = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static Task<Post> PostAsync(TestServices services, string title) =>
        services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = PostKind.News, Language = "en", Title = title, Lede = "A lede.", BodyMarkdown = "Body.",
            Status = PostStatus.Published, PublishAt = Morning.UtcDateTime.AddDays(-1),
        }, Ct));

    /// <summary>The process's one aggregator (a singleton, as the host has it).</summary>
    private static Task<Readership> ReadershipAsync(TestServices services) =>
        services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<Readership>()));

    private static Task<int> FlushAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<Readership>().FlushAsync(sp.GetRequiredService<BroadsheetDb>(), Ct));

    private static Task<List<PostViewDay>> RowsAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().PostViews.AsNoTracking()
            .OrderBy(v => v.PostId).ThenBy(v => v.Day).ToListAsync(Ct));

    private static Task<int> SqlAsync(TestServices services, string sql) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Database.ExecuteSqlRawAsync(sql, Ct));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Views_are_counted_per_post_and_UTC_day_and_added_to_what_is_stored(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Morning);
        var first = await PostAsync(services, "First");
        var second = await PostAsync(services, "Second");
        var readership = await ReadershipAsync(services);
        var today = Morning.UtcDateTime.Date;
        var tomorrow = today.AddDays(1);

        // A row written the ordinary way (EF) beforehand: the upsert must find it by the same key and add to it.
        await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            db.PostViews.Add(new PostViewDay { PostId = second.Id, Day = tomorrow, Views = 10 });
            return await db.SaveChangesAsync(Ct);
        });

        readership.Count(first.Id);
        readership.Count(first.Id);
        readership.Count(first.Id);
        readership.Count(second.Id);
        // 23:59:59 is still today; one second later is tomorrow, in UTC whatever the publication's zone.
        services.Clock.SetUtcNow(new DateTimeOffset(today.AddDays(1).AddSeconds(-1), TimeSpan.Zero));
        readership.Count(first.Id);
        services.Clock.Advance(TimeSpan.FromSeconds(1));
        readership.Count(first.Id);
        readership.Count(second.Id);
        Assert.Equal(4, readership.Waiting);

        Assert.Equal(4, await FlushAsync(services));
        Assert.Equal(0, readership.Waiting);
        Assert.Equal(
            [(first.Id, today, 4L), (first.Id, tomorrow, 1L), (second.Id, today, 1L), (second.Id, tomorrow, 11L)],
            (await RowsAsync(services)).Select(r => (r.PostId, r.Day, r.Views)));

        // Nothing waiting: nothing written. More views on a stored day are added to it, not put beside it.
        Assert.Equal(0, await FlushAsync(services));
        readership.Count(first.Id);
        readership.Count(first.Id);
        Assert.Equal(1, await FlushAsync(services));
        var rows = await RowsAsync(services);
        Assert.Equal(4, rows.Count);
        Assert.Equal(3, rows.Single(r => r.PostId == first.Id && r.Day == tomorrow).Views);
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Utc, r.Day.Kind));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Views_counted_from_many_threads_while_flushes_run_add_up_exactly(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Morning);
        var posts = new List<Post>();
        for (var i = 0; i < 4; i++)
        {
            posts.Add(await PostAsync(services, $"Post {i}"));
        }

        var readership = await ReadershipAsync(services);
        const int Threads = 8;
        const int PerThread = 20_000;
        using var done = new CancellationTokenSource();
        var flushes = 0;
        var flusher = Task.Run(async () =>
        {
            // Flushes race with the counting: a view must land either in this flush or in a later one, never in none or both.
            while (!done.IsCancellationRequested)
            {
                await FlushAsync(services);
                flushes++;
            }
        }, Ct);
        var start = new Barrier(Threads);
        var counters = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(Ct);
            for (var i = 0; i < PerThread; i++)
            {
                readership.Count(posts[(t + i) % posts.Count].Id);
            }
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(counters);
        await done.CancelAsync();
        await flusher;
        await FlushAsync(services);

        var rows = await RowsAsync(services);
        Assert.True(flushes > 0);
        Assert.Equal(Threads * PerThread, rows.Sum(r => r.Views));
        Assert.All(posts, p => Assert.Equal(Threads * PerThread / posts.Count, rows.Single(r => r.PostId == p.Id).Views));
        Assert.Equal(0, readership.Waiting);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_failed_flush_keeps_the_views_for_the_next_one(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Morning);
        var post = await PostAsync(services, "Read while the database is away");
        var readership = await ReadershipAsync(services);
        readership.Count(post.Id);
        readership.Count(post.Id);

        // The table goes missing (on PostgreSQL the whole transaction then fails): the flush throws, nothing is lost.
        await SqlAsync(services, "ALTER TABLE post_views RENAME TO post_views_away");
        await Assert.ThrowsAnyAsync<Exception>(() => FlushAsync(services));
        Assert.Equal(1, readership.Waiting);
        readership.Count(post.Id);
        await SqlAsync(services, "ALTER TABLE post_views_away RENAME TO post_views");

        Assert.Equal(1, await FlushAsync(services));
        Assert.Equal(3, (await RowsAsync(services)).Single().Views);
        Assert.Equal(0, readership.Waiting);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_post_deleted_before_the_flush_is_skipped_and_the_others_are_written(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider, Morning);
        var kept = await PostAsync(services, "Kept");
        var deleted = await PostAsync(services, "Deleted");
        var readership = await ReadershipAsync(services);
        readership.Count(deleted.Id);
        readership.Count(kept.Id);
        readership.Count(deleted.Id);
        await services.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PostService>().DeleteAsync(deleted.Id, Ct);
            return 0;
        });

        Assert.Equal(1, await FlushAsync(services));
        var row = Assert.Single(await RowsAsync(services));
        Assert.Equal((kept.Id, 1L), (row.PostId, row.Views));
        // The deleted post's views are gone, not waiting to fail again.
        Assert.Equal(0, readership.Waiting);
        Assert.Equal(0, await FlushAsync(services));
    }

    [Fact]
    public async Task What_waits_in_memory_is_bounded()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite, Morning);
        var readership = await ReadershipAsync(services);
        for (var id = 1; id <= Readership.MaxWaiting + 10; id++)
        {
            readership.Count(id);
        }

        Assert.Equal(Readership.MaxWaiting, readership.Waiting);
        // The next day's counts are new post-days too: dropped while the bound holds.
        services.Clock.Advance(TimeSpan.FromDays(1));
        readership.Count(1);
        Assert.Equal(Readership.MaxWaiting, readership.Waiting);
    }
}
