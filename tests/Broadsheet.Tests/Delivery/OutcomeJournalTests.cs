using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Delivery;

/// <summary>The journal a sender keeps of its outcomes on SQLite: what it holds survives the sender, and is applied before its claims are handed back.</summary>
public sealed class OutcomeJournalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime Now = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private static Task<Send> CampaignAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync(
            "en", "Journal", $"<a href=\"{Send.UnsubscribeUrlPlaceholder}\">unsubscribe</a>", $"{Send.UnsubscribeUrlPlaceholder}", Ct));

    /// <summary>Materialises the send and claims all of it for <paramref name="owner"/>; returns the claims and where that database's journals go.</summary>
    private static Task<(IReadOnlyList<ClaimedDelivery> Claims, string Journals)> ClaimAllAsync(TestServices services, long sendId, string owner) =>
        services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            using var store = new DeliveryStore(db);
            var row = await db.Sends.SingleAsync(s => s.Id == sendId, Ct);
            while (await store.MaterialiseChunkAsync(row, 100, Now, Ct))
            {
            }

            return (await store.ClaimAsync(sendId, owner, 10, Now, Now.AddMinutes(1), Ct), OutcomeJournal.DirectoryFor(db.Database.GetDbConnection())!);
        });

    [Fact]
    public void An_outcome_reads_back_as_written_whatever_its_server_said_and_a_line_cut_off_by_a_crash_is_left_out()
    {
        var directory = Directory.CreateTempSubdirectory("broadsheet-journal-").FullName;
        try
        {
            var bounced = new DeliveryOutcome(7, DeliveryState.Failed, null, "550 5.1.1 لا يوجد صندوق\tبهذا الاسم\nsecond line", Attempted: true, RetriedUnknown: false)
            {
                BounceSubscriberId = 42,
                BounceAddressHash = [1, 2, 254, 255],
            };
            var deferred = new DeliveryOutcome(8, DeliveryState.Deferred, Now.AddMinutes(5), null, Attempted: true, RetriedUnknown: true);
            string path;
            using (var journal = OutcomeJournal.Create(directory, "host-1-abc"))
            {
                journal.Append(bounced);
                journal.Append(deferred);
                path = Assert.Single(Directory.GetFiles(directory, "*" + OutcomeJournal.Extension));
            }

            // Not applied: the file stays for whoever sends next. A crash in the middle of a write leaves a line without its end.
            File.AppendAllText(path, "9\tSent\t\t1\t0\t\t\tMjUw");

            var (owner, outcomes) = OutcomeJournal.Read(path);
            Assert.Equal("host-1-abc", owner);
            Assert.Equal(2, outcomes.Count);
            Assert.Equal(bounced with { }, outcomes[0] with { BounceAddressHash = bounced.BounceAddressHash });
            Assert.Equal(bounced.BounceAddressHash, outcomes[0].BounceAddressHash);
            Assert.Equal(deferred, outcomes[1]);
            Assert.Equal(DateTimeKind.Utc, outcomes[1].NextAttemptAt!.Value.Kind);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_journal_whose_lines_are_all_applied_is_deleted_and_of_a_retried_delivery_only_the_last_outcome_counts()
    {
        var directory = Directory.CreateTempSubdirectory("broadsheet-journal-").FullName;
        try
        {
            using (var journal = OutcomeJournal.Create(directory, "host-1-abc"))
            {
                // A process waiting for the dispatcher lease journals nothing and leaves no file for the holder to take for a dead sender's.
                Assert.Empty(Directory.GetFiles(directory));
                journal.Append(new DeliveryOutcome(3, DeliveryState.Sent, null, "250 ok", Attempted: true, RetriedUnknown: false));
                Assert.Single(Directory.GetFiles(directory));
                journal.Applied(1);
            }

            Assert.Empty(Directory.GetFiles(directory));

            // An unknown outcome, retried at once and sent: applied in order, the unknown would land on the row claimed again.
            using (var journal = OutcomeJournal.Create(directory, "host-1-abc"))
            {
                journal.Append(new DeliveryOutcome(4, DeliveryState.Unknown, Now, "lost", Attempted: true, RetriedUnknown: true));
                journal.Append(new DeliveryOutcome(5, DeliveryState.Sent, null, "250 ok", Attempted: true, RetriedUnknown: false));
                journal.Append(new DeliveryOutcome(4, DeliveryState.Sent, null, "250 ok", Attempted: true, RetriedUnknown: true));
            }

            var replayed = new List<(string Owner, IReadOnlyList<DeliveryOutcome> Outcomes)>();
            Assert.Equal(0, OutcomeJournal.ReplayOthers(directory, "host-1-abc", (owner, outcomes) => replayed.Add((owner, outcomes))));
            Assert.Single(Directory.GetFiles(directory));

            Assert.Equal(2, OutcomeJournal.ReplayOthers(directory, "host-2-def", (owner, outcomes) => replayed.Add((owner, outcomes))));
            var (replayedOwner, replayedOutcomes) = Assert.Single(replayed);
            Assert.Equal("host-1-abc", replayedOwner);
            Assert.Equal([(5L, DeliveryState.Sent), (4L, DeliveryState.Sent)], replayedOutcomes.Select(o => (o.DeliveryId, o.State)));
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Only_a_SQLite_file_gets_a_journal_beside_it()
    {
        using var file = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=/srv/broadsheet/data/broadsheet.db");
        Assert.Equal("/srv/broadsheet/data/broadsheet.db-outcomes", OutcomeJournal.DirectoryFor(file));
        using var memory = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        Assert.Null(OutcomeJournal.DirectoryFor(memory));
        using var shared = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=test;Mode=Memory;Cache=Shared");
        Assert.Null(OutcomeJournal.DirectoryFor(shared));
        using var postgres = new Npgsql.NpgsqlConnection("Host=127.0.0.1");
        Assert.Null(OutcomeJournal.DirectoryFor(postgres));
    }

    [Fact]
    public async Task What_a_dead_sender_journalled_is_applied_before_its_claims_are_handed_back()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await DeliveryDispatcherTests.AddSubscriberAsync(services, $"reader{i}@example.org"));
        }

        var send = await CampaignAsync(services);

        // A sender claimed all three, journalled two outcomes and died before they reached the database.
        var (claims, journals) = await ClaimAllAsync(services, send.Id, "dead-sender");
        Assert.Equal(3, claims.Count);
        var hash = await services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<Broadsheet.Privacy.AddressProtector>().SuppressionHash("reader1@example.org")));
        using (var journal = OutcomeJournal.Create(journals, "dead-sender"))
        {
            journal.Append(new DeliveryOutcome(claims[0].Id, DeliveryState.Sent, null, "250 ok", Attempted: true, RetriedUnknown: false));
            journal.Append(new DeliveryOutcome(claims[1].Id, DeliveryState.Failed, null, "550 5.1.1 no such mailbox", Attempted: true, RetriedUnknown: false)
            {
                BounceSubscriberId = ids[1],
                BounceAddressHash = hash,
            });
        }

        Assert.Single(Directory.GetFiles(journals, "*" + OutcomeJournal.Extension));

        // The next sender takes the dispatcher lease.
        Assert.True(await services.InScopeAsync(async sp =>
        {
            using var store = new DeliveryStore(sp.GetRequiredService<BroadsheetDb>());
            return await store.HoldDispatcherAsync("next-sender", Now, Now.AddMinutes(1), Ct);
        }));

        var rows = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().Where(d => d.SendId == send.Id).OrderBy(d => d.Id).ToListAsync(Ct));
        Assert.Equal([DeliveryState.Sent, DeliveryState.Failed, DeliveryState.Pending], rows.Select(r => r.State));
        Assert.Equal("250 ok", rows[0].LastResult);
        Assert.All(rows, r => Assert.Null(r.LeaseOwner));
        var suppressed = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Suppressions.CountAsync(Ct));
        Assert.Equal(1, suppressed);
        Assert.Empty(Directory.GetFiles(journals));
    }

    [Fact]
    public async Task A_journalled_outcome_lets_its_sender_go_on_at_once_and_reaches_the_database_within_moments()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        await DeliveryDispatcherTests.AddSubscriberAsync(services, "reader@example.org");
        var send = await CampaignAsync(services);
        var (claims, directory) = await ClaimAllAsync(services, send.Id, "sender");
        var claim = Assert.Single(claims);

        var handled = 0;
        await using var scope = services.Scope();
        var recorder = new OutcomeRecorder(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), "sender", TimeProvider.System, directory, count => Interlocked.Add(ref handled, count));
        var running = recorder.RunAsync(CancellationToken.None);
        var recorded = recorder.RecordAsync(new DeliveryOutcome(claim.Id, DeliveryState.Sent, null, "250 ok", Attempted: true, RetriedUnknown: false));
        Assert.True(recorded.IsCompletedSuccessfully);
        Assert.Single(Directory.GetFiles(directory, "*" + OutcomeJournal.Extension));

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref handled) == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(1, handled);
        var state = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().Where(d => d.Id == claim.Id).Select(d => d.State).SingleAsync(Ct));
        Assert.Equal(DeliveryState.Sent, state);

        recorder.Complete();
        await running;
        Assert.Empty(Directory.GetFiles(directory));
    }
}
