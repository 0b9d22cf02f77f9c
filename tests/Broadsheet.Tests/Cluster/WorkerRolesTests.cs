using System.Diagnostics;
using System.Net;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broadsheet.Tests.Cluster;

/// <summary>
/// <c>Broadsheet:Workers:Scheduler</c> and <c>:Delivery</c> decide which instances schedule and send; every instance
/// serves the site either way.
/// </summary>
public sealed class WorkerRolesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T Worker<T>(TestSite site) where T : BackgroundService =>
        site.Services.GetServices<IHostedService>().OfType<T>().Single();

    private static async Task<PostStatus> StatusAsync(TestSite site, int id)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.Where(p => p.Id == id).Select(p => p.Status).SingleAsync(Ct);
    }

    [Fact]
    public async Task With_the_scheduler_off_an_instance_leaves_a_due_post_to_one_with_it_on()
    {
        var fast = new Dictionary<string, string?>
        {
            ["Broadsheet:SchedulerInterval"] = "00:00:00.1",
            // Every instance on one database needs the same key.
            ["Broadsheet:Privacy:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        await using var web = await TestSite.StartAsync(
            await TestEnvironment.CreateAsync(DatabaseProvider.Postgres), demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?>(fast) { ["Broadsheet:Workers:Scheduler"] = "false" });

        // Its scheduling workers stopped at once instead of polling.
        Assert.True(Worker<ScheduledPostPublisher>(web).ExecuteTask!.IsCompletedSuccessfully);
        Assert.True(Worker<DigestWorker>(web).ExecuteTask!.IsCompletedSuccessfully);

        Post post;
        await using (var scope = web.Services.CreateAsyncScope())
        {
            post = await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = PostKind.News, Language = "en", Slug = "embargo", Title = "Embargo lifts", Status = PostStatus.Scheduled,
                PublishAt = DateTime.UtcNow.AddMilliseconds(300),
            }, Ct);
        }

        // Nothing to wait for but time: ten of its intervals after the post fell due, it is still scheduled.
        await Task.Delay(TimeSpan.FromMilliseconds(300 + 1000), Ct);
        Assert.Equal(PostStatus.Scheduled, await StatusAsync(web, post.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await web.Client.FetchAsync("/en/embargo")).Status);

        // Nor does another web instance starting now (a scheduling one publishes what fell due while it was down, at start).
        await using (var second = await TestSite.StartAsync(
            await TestEnvironment.CreateSharingAsync(web.Environment), demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?>(fast) { ["Broadsheet:Workers:Scheduler"] = "false" }))
        {
            Assert.Equal(PostStatus.Scheduled, await StatusAsync(second, post.Id));
        }

        // A scheduling instance on the same database publishes it, and the web instance serves it.
        await using var scheduler = await TestSite.StartAsync(
            await TestEnvironment.CreateSharingAsync(web.Environment), demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?>(fast) { ["Broadsheet:Workers:Scheduler"] = "true" });
        Assert.False(Worker<ScheduledPostPublisher>(scheduler).ExecuteTask!.IsCompleted);
        var clock = Stopwatch.StartNew();
        while (await StatusAsync(web, post.Id) != PostStatus.Published)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The scheduling instance did not publish the due post.");
            await Task.Delay(20, Ct);
        }

        await InstancePair.UntilServedAsync(web, "/en/embargo", "Embargo lifts", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task With_delivery_off_an_instance_neither_sends_nor_reads_bounces_but_serves_the_site()
    {
        // A bounce mailbox is configured (nothing answers on port 9: the on-instance polls and fails quietly).
        var bounces = new Dictionary<string, string?>
        {
            ["Broadsheet:Mail:Bounces:Protocol"] = "Pop3", ["Broadsheet:Mail:Bounces:Host"] = "127.0.0.1", ["Broadsheet:Mail:Bounces:Port"] = "9",
        };
        await using var pair = await InstancePair.StartAsync(
            settingsA: new Dictionary<string, string?>(bounces) { ["Broadsheet:Workers:Delivery"] = "false" },
            settingsB: new Dictionary<string, string?>(bounces) { ["Broadsheet:Workers:Delivery"] = "true" });

        Assert.True(Worker<DeliveryWorker>(pair.A).ExecuteTask!.IsCompletedSuccessfully);
        Assert.True(Worker<BounceWorker>(pair.A).ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(Worker<DeliveryWorker>(pair.B).ExecuteTask!.IsCompleted);
        Assert.False(Worker<BounceWorker>(pair.B).ExecuteTask!.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await pair.A.Client.FetchAsync("/en/")).Status);
    }
}
