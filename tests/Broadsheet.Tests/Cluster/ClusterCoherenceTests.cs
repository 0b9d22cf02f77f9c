using System.Collections.Concurrent;
using System.Diagnostics;
using Broadsheet.Cluster;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Broadsheet.Tests.Cluster;

/// <summary>
/// Two instances on one PostgreSQL database stay in step through LISTEN/NOTIFY: a change made on one is what the other
/// serves within a second, settings included, even after the other lost its listening connection; nothing echoes.
/// </summary>
public sealed class ClusterCoherenceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostInput Story(string title, string lede = "") =>
        new() { Kind = PostKind.News, Language = "en", Slug = "harbour", Title = title, Lede = lede, Status = PostStatus.Published };

    private static async Task<Post> WriteAsync(TestSite site, Func<PostService, Task<Post>> change)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await change(scope.ServiceProvider.GetRequiredService<PostService>());
    }

    [Fact]
    public async Task A_post_edited_on_one_instance_is_served_fresh_by_the_other_within_a_second_and_nothing_echoes()
    {
        await using var pair = await InstancePair.StartAsync();
        await using var recorder = await ChannelRecorder.StartAsync(pair.A.Environment.ConnectionString!);
        var post = await WriteAsync(pair.A, s => s.CreateAsync(Story("Harbour cranes idle"), Ct));
        await InstancePair.ListenerPidAsync(pair.B);
        await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "Harbour cranes idle", TimeSpan.FromSeconds(5));

        // Behind the caches' back B keeps serving its copy: what makes it fresh below is the message, not a missing cache.
        await using (var scope = pair.A.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.Where(p => p.Id == post.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Lede, "Unannounced lede"), Ct);
        }

        Assert.DoesNotContain("Unannounced lede", (await pair.B.Client.FetchAsync("/en/harbour")).Body, StringComparison.Ordinal);

        await WriteAsync(pair.A, s => s.UpdateAsync(post.Id, Story("Harbour cranes stand idle", "Announced lede"), Ct));
        var took = await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "Harbour cranes stand idle", TimeSpan.FromSeconds(5));
        Assert.True(took < Second, $"B served the old page for {took.TotalMilliseconds:0} ms after the change.");
        Assert.Contains("Harbour cranes stand idle", (await pair.B.Client.FetchAsync("/en/")).Body, StringComparison.Ordinal);

        // And the other way round: B's change reaches A, which holds the page too (rendered once already, so the time
        // measured is the message's, not a first render's).
        await InstancePair.UntilServedAsync(pair.A, "/en/harbour", "Harbour cranes stand idle", TimeSpan.FromSeconds(5));
        await WriteAsync(pair.B, s => s.UpdateAsync(post.Id, Story("Harbour cranes move again", "Announced lede"), Ct));
        took = await InstancePair.UntilServedAsync(pair.A, "/en/harbour", "Harbour cranes move again", TimeSpan.FromSeconds(5));
        Assert.True(took < Second, $"A served the old page for {took.TotalMilliseconds:0} ms after the change.");

        // Every message on the channel came from whoever made a change, once per change: an instance that only
        // refreshed never sent one on (a loop would show up here as messages from the receiver).
        var messages = await recorder.UpToMarkerAsync();
        var a = pair.A.Services.GetRequiredService<ClusterInstance>().Id;
        var b = pair.B.Services.GetRequiredService<ClusterInstance>().Id;
        Assert.Equal(["content:" + a, "content:" + a, "content:" + b], messages);
    }

    [Fact]
    public async Task Settings_saved_on_one_instance_apply_on_the_other_within_a_second_and_so_does_emptying_them()
    {
        await using var pair = await InstancePair.StartAsync();
        await InstancePair.ListenerPidAsync(pair.B);
        var optionsB = pair.B.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
        var defaultName = optionsB.PublicationNameIn("en");
        var defaultFrom = optionsB.Mail.From;
        await InstancePair.UntilServedAsync(pair.B, "/en/", defaultName, TimeSpan.FromSeconds(5));
        var rebuilt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.Services.GetRequiredService<SettingsSignal>().Changed += (_, _) => rebuilt.TrySetResult();

        await SaveAsync(pair.A, new() { [SettingsService.PublicationNameEnglish] = "The Harbour Courier", [SettingsService.MailFrom] = "desk@harbour.example" });
        var took = await InstancePair.UntilServedAsync(pair.B, "/en/", "The Harbour Courier", TimeSpan.FromSeconds(5));
        Assert.True(took < Second, $"B showed the old name for {took.TotalMilliseconds:0} ms after the save.");
        Assert.Equal("desk@harbour.example", optionsB.Mail.From);
        // What was built from the settings (the SMTP transport, the DKIM signer) was told to rebuild.
        await rebuilt.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        // Emptied on A: back to the configured default on B, not left at the old saved value.
        await SaveAsync(pair.A, new() { [SettingsService.PublicationNameEnglish] = "", [SettingsService.MailFrom] = "" });
        took = await InstancePair.UntilServedAsync(pair.B, "/en/", defaultName, TimeSpan.FromSeconds(5));
        Assert.True(took < Second, $"B kept the removed name for {took.TotalMilliseconds:0} ms.");
        Assert.DoesNotContain("The Harbour Courier", (await pair.B.Client.FetchAsync("/en/")).Body, StringComparison.Ordinal);
        Assert.Equal(defaultFrom, optionsB.Mail.From);

        // Reading again what is already in effect (as a reconnection does) leaves the mail transport alone.
        await using var scope = pair.B.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<SettingsService>().ReloadAsync(Ct));
    }

    [Fact]
    public async Task An_instance_whose_listening_connection_is_killed_reconnects_catches_up_and_hears_later_changes()
    {
        await using var pair = await InstancePair.StartAsync();
        var post = await WriteAsync(pair.A, s => s.CreateAsync(Story("Dockers vote", "First lede"), Ct));
        var first = await InstancePair.ListenerPidAsync(pair.B);
        await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "First lede", TimeSpan.FromSeconds(5));

        // Changes nobody announces, standing for the ones sent while B is cut off (those are lost, not queued).
        await using (var scope = pair.A.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Lede, "Quiet lede"), Ct);
            db.Settings.Add(new SiteSetting { Key = SettingsService.PublicationNameEnglish, Value = "The Quiet Gazette", UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }

        Assert.DoesNotContain("Quiet lede", (await pair.B.Client.FetchAsync("/en/harbour")).Body, StringComparison.Ordinal);

        await using (var admin = new NpgsqlConnection(pair.A.Environment.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
            kill.Parameters.AddWithValue("pid", first);
            Assert.Equal(true, await kill.ExecuteScalarAsync(Ct));
        }

        // Back with a new connection, B drops everything it held and reads the settings again.
        var second = await InstancePair.ListenerPidAsync(pair.B, not: first);
        Assert.NotEqual(first, second);
        await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "Quiet lede", TimeSpan.FromSeconds(10));
        await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "The Quiet Gazette", TimeSpan.FromSeconds(10));

        // And it hears what comes after, within a second.
        await WriteAsync(pair.A, s => s.UpdateAsync(post.Id, Story("Dockers vote to return", "Later lede"), Ct));
        var took = await InstancePair.UntilServedAsync(pair.B, "/en/harbour", "Dockers vote to return", TimeSpan.FromSeconds(5));
        Assert.True(took < Second, $"B served the old page for {took.TotalMilliseconds:0} ms after reconnecting.");
    }

    [Fact]
    public async Task A_sending_only_process_follows_the_relay_an_administrator_saves_on_a_web_instance()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var web = await TestSite.StartAsync(
            await TestEnvironment.CreateAsync(DatabaseProvider.Postgres), demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?> { ["Broadsheet:Privacy:MasterKey"] = key, ["Broadsheet:Workers:Delivery"] = "false" });
        await using var server = SmtpTestServer.Start();
        var csv = Path.Combine(web.Environment.DataDirectory, "readers.csv");
        await File.WriteAllLinesAsync(csv, ["email,name,language", "reader@example.org,Reader,en"], Ct);
        await using (var scope = web.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<Broadsheet.Subscribers.SubscriberImporter>(scope.ServiceProvider)
                .ImportAsync(Broadsheet.Subscribers.SubscriberImporter.Inspect(csv), Broadsheet.Subscribers.NewsletterLanguages.English, cancellationToken: Ct);
        }

        // `deliver` starts with the configured transport (the outbox folder) and is listening before the relay is saved.
        await using var sender = CliProcess.Start(web.Environment, new Dictionary<string, string?> { ["Broadsheet__Privacy__MasterKey"] = key }, "deliver");
        await DeliverListeningAsync(web);

        await SaveAsync(web, new()
        {
            [SettingsService.Transport] = "Smtp", [SettingsService.SmtpHost] = server.Host,
            [SettingsService.SmtpPort] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), [SettingsService.SmtpSecurity] = "None",
        });
        await using (var scope = web.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Broadsheet.Delivery.SendService>().CreateCampaignAsync(
                "en", "The relay moved", $"<p>Hello</p><a href=\"{Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder}\">unsubscribe</a>",
                $"Hello {Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder}", Ct);
        }

        await server.WaitForAsync(1, TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["reader@example.org"], server.Messages.Single().Recipients);
        Assert.Empty(Outbox.Messages(web.Environment));
        Assert.False(sender.HasExited, sender.Error);
    }

    [Fact]
    public async Task A_send_or_a_signup_on_a_web_instance_wakes_a_sending_process_at_once_not_at_its_next_poll()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = SmtpTestServer.Start();
        var relay = new Dictionary<string, string?>
        {
            ["Broadsheet:Privacy:MasterKey"] = key, ["Broadsheet:Workers:Delivery"] = "false", ["Broadsheet:Mail:Transport"] = "Smtp",
            ["Broadsheet:Mail:Smtp:Host"] = server.Host, ["Broadsheet:Mail:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broadsheet:Mail:Smtp:Security"] = "None",
        };
        await using var web = await TestSite.StartAsync(
            await TestEnvironment.CreateAsync(DatabaseProvider.Postgres), demoContent: false, services: null, ownsEnvironment: true, relay);
        var csv = Path.Combine(web.Environment.DataDirectory, "readers.csv");
        await File.WriteAllLinesAsync(csv, ["email,name,language", "reader@example.org,Reader,en"], Ct);
        await using (var scope = web.Services.CreateAsyncScope())
        {
            await ActivatorUtilities.CreateInstance<Broadsheet.Subscribers.SubscriberImporter>(scope.ServiceProvider)
                .ImportAsync(Broadsheet.Subscribers.SubscriberImporter.Inspect(csv), Broadsheet.Subscribers.NewsletterLanguages.English, cancellationToken: Ct);
        }

        // The sending process looks for work by itself only every ten minutes: only the message can make it send sooner.
        await using var sender = CliProcess.Start(web.Environment, new Dictionary<string, string?>
        {
            ["Broadsheet__Privacy__MasterKey"] = key, ["Broadsheet__Mail__Transport"] = "Smtp", ["Broadsheet__Mail__Smtp__Host"] = server.Host,
            ["Broadsheet__Mail__Smtp__Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broadsheet__Mail__Smtp__Security"] = "None", ["Broadsheet__Mail__Delivery__PollInterval"] = "00:10:00",
        }, "deliver");
        await DeliverListeningAsync(web);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // its first look for work, finding none, is over

        var clock = Stopwatch.StartNew();
        await using (var scope = web.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Broadsheet.Delivery.SendService>().CreateCampaignAsync(
                "en", "Woken at once", $"<p>Hello</p><a href=\"{Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder}\">unsubscribe</a>",
                $"Hello {Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder}", Ct);
        }

        await server.WaitForAsync(1, TimeSpan.FromSeconds(30), Ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The campaign went out after {clock.Elapsed.TotalSeconds:0.0} s.");
        Assert.Equal(["reader@example.org"], server.Messages.Single().Recipients);

        // A reader signing up on the web instance gets the confirmation from the sending process just as fast.
        clock.Restart();
        await using (var scope = web.Services.CreateAsyncScope())
        {
            Assert.Equal(Broadsheet.Subscribers.SignupResult.Done, await scope.ServiceProvider.GetRequiredService<Broadsheet.Subscribers.SubscriptionService>().SignupAsync(
                new Broadsheet.Subscribers.SignupRequest { Email = "new.reader@example.org", PageLanguage = "en", Source = "test" }, Ct));
        }

        await server.WaitForAsync(2, TimeSpan.FromSeconds(30), Ct);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The confirmation went out after {clock.Elapsed.TotalSeconds:0.0} s.");
        Assert.Equal(["new.reader@example.org"], server.Messages[1].Recipients);
        Assert.False(sender.HasExited, sender.Error);
    }

    /// <summary>Waits until a listener other than the web host's own (the child's) has said LISTEN.</summary>
    private static async Task DeliverListeningAsync(TestSite web)
    {
        var own = ClusterListener.ApplicationNameOf(web.Services.GetRequiredService<ClusterInstance>().Id);
        await using var connection = new NpgsqlConnection(web.Environment.ConnectionString);
        await connection.OpenAsync(Ct);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'broadsheet-listen-%' AND application_name <> @own " +
                "AND datname = current_database() AND query LIKE 'LISTEN%'", connection);
            command.Parameters.AddWithValue("own", own);
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The deliver process is not listening after a minute.");
            await Task.Delay(50, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Only_a_PostgreSQL_host_listens_and_broadcasts(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var workers = site.Services.GetServices<IHostedService>().OfType<ClusterWorker>().ToList();
        await using var scope = site.Services.CreateAsyncScope();
        var listeners = scope.ServiceProvider.GetServices<IContentChangeListener>().ToList();
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.Empty(workers);
            Assert.Null(site.Services.GetService<ClusterListener>());
            Assert.DoesNotContain(listeners, l => l is ClusterBroadcaster);
            // Saving settings (which asks the broadcaster) works and stays local.
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<SettingsService>().SaveAsync(
                new Dictionary<string, string?> { [SettingsService.PublicationNameEnglish] = "The Lone Ledger" }, false, null, Ct));
        }
        else
        {
            Assert.Single(workers);
            Assert.Contains(listeners, l => l is ClusterBroadcaster);
            Assert.True(await InstancePair.ListenerPidAsync(site) > 0);
        }

        // The page cache is still the single listener code asks for by itself (the last one registered).
        Assert.IsType<Broadsheet.Web.Site.SiteCache>(scope.ServiceProvider.GetRequiredService<IContentChangeListener>());
        await InstancePair.UntilServedAsync(site, "/en/", provider == DatabaseProvider.Sqlite ? "The Lone Ledger" : "<html", TimeSpan.FromSeconds(5));
    }

    private static async Task SaveAsync(TestSite site, Dictionary<string, string?> values)
    {
        await using var scope = site.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<SettingsService>().SaveAsync(values, false, null, Ct));
    }

    /// <summary>The test's own LISTEN on the channel: every payload, in the order PostgreSQL delivered them.</summary>
    private sealed class ChannelRecorder : IAsyncDisposable
    {
        private const string Marker = "marker:test";
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<string> _payloads = new();
        private readonly TaskCompletionSource _marked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();
        private readonly string _connectionString;
        private Task _loop = Task.CompletedTask;

        private ChannelRecorder(string connectionString)
        {
            _connectionString = connectionString;
            _connection = new NpgsqlConnection(connectionString);
        }

        public static async Task<ChannelRecorder> StartAsync(string connectionString)
        {
            var recorder = new ChannelRecorder(connectionString);
            await recorder._connection.OpenAsync(Ct);
            recorder._connection.Notification += (_, e) =>
            {
                if (e.Payload == Marker)
                {
                    recorder._marked.TrySetResult();
                }
                else
                {
                    recorder._payloads.Enqueue(e.Payload);
                }
            };
            await using (var listen = new NpgsqlCommand($"LISTEN {ClusterChannel.Name}", recorder._connection))
            {
                await listen.ExecuteNonQueryAsync(Ct);
            }

            recorder._loop = Task.Run(async () =>
            {
                while (!recorder._stop.IsCancellationRequested)
                {
                    await recorder._connection.WaitAsync(recorder._stop.Token);
                }
            });
            return recorder;
        }

        /// <summary>
        /// Everything sent before now: PostgreSQL delivers notifications in commit order, so once a marker sent now
        /// arrives, so has every message committed before it.
        /// </summary>
        public async Task<List<string>> UpToMarkerAsync()
        {
            await using (var connection = new NpgsqlConnection(_connectionString))
            {
                await connection.OpenAsync(Ct);
                await using var notify = new NpgsqlCommand($"NOTIFY {ClusterChannel.Name}, '{Marker}'", connection);
                await notify.ExecuteNonQueryAsync(Ct);
            }

            await _marked.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            return [.. _payloads];
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting: what cancelling a wait does.
            }
            catch (NpgsqlException)
            {
                // The same, reported as a broken connection.
            }

            await _connection.DisposeAsync();
            _stop.Dispose();
        }
    }
}
