using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// The sender as a real child process (<c>Broadsheet.Web deliver</c>) against the SMTP test server, killed with
/// SIGKILL at random moments during a 20,000-recipient send and restarted each time: nobody is lost, the only
/// duplicates are messages in flight at a kill, and nobody ineligible gets anything. With SIGTERM instead, no
/// duplicate at all. The bigger run (100,000 recipients, 50 kills) is <c>bench/send/crash.sh</c>.
/// </summary>
public sealed class DeliveryCrashTests
{
    private const int Ineligible = 300;
    private const int Connections = 4;

    // CI size by default; bench/send/crash.sh runs the same test with 100,000 recipients and 50 kills.
    private static readonly int Recipients = SizeFrom("BROADSHEET_CRASH_RECIPIENTS", 20_000);
    private static readonly int Kills = SizeFrom("BROADSHEET_CRASH_KILLS", 10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider, bool> Cases => new()
    {
        { DatabaseProvider.Sqlite, true },
        { DatabaseProvider.Postgres, true },
        { DatabaseProvider.Sqlite, false },
        { DatabaseProvider.Postgres, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_send_survives_repeated_kills_losing_nobody_and_repeating_only_what_was_in_flight(DatabaseProvider provider, bool hardKill)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        await using var server = SmtpTestServer.Start();
        var variables = new Dictionary<string, string?>
        {
            ["Broadsheet__Mail__Transport"] = "Smtp",
            ["Broadsheet__Mail__From"] = "\"The Ledger\" <newsletter@ledger.example>",
            ["Broadsheet__Mail__Smtp__Host"] = server.Host,
            ["Broadsheet__Mail__Smtp__Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["Broadsheet__Mail__Smtp__Security"] = "None",
            ["Broadsheet__Mail__Smtp__Connections"] = Connections.ToString(CultureInfo.InvariantCulture),
            // Short leases so a restart takes over a killed sender's rows in seconds.
            ["Broadsheet__Mail__Delivery__Lease"] = "00:00:03",
            ["Broadsheet__Mail__Delivery__BatchSize"] = "200",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        long sendId;
        HashSet<long> ineligibleIds;
        await using (var services = await TestServices.CreateAsync(environment))
        {
            // Active readers, then readers who must get nothing: some unsubscribed before the send, some suppressed.
            var csv = Path.Combine(environment.DataDirectory, "readers.csv");
            await File.WriteAllLinesAsync(csv, ["email,name,language", .. Enumerable.Range(0, Recipients + Ineligible).Select(i => $"reader{i}@example.org,Reader {i},en")], Ct);
            await services.InScopeAsync(sp => ActivatorUtilities.CreateInstance<SubscriberImporter>(sp).ImportAsync(SubscriberImporter.Inspect(csv), NewsletterLanguages.English, progress: null, Ct));
            ineligibleIds = await services.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<BroadsheetDb>();
                var ids = await db.Subscribers.OrderByDescending(s => s.Id).Take(Ineligible).Select(s => s.Id).ToListAsync(Ct);
                await db.Subscribers.Where(s => ids.Contains(s.Id)).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubscriberStatus.Unsubscribed), Ct);
                return ids.ToHashSet();
            });
            var send = await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync(
                "en", "Crash test", $"<p>Hello</p><a href=\"{Send.UnsubscribeUrlPlaceholder}\">unsubscribe</a>", $"Hello {Send.UnsubscribeUrlPlaceholder}", Ct));
            sendId = send.Id;
        }

        var random = new Random(hardKill ? 1 : 2);
        // Per delivery: at how many kills a copy had been accepted but not recorded as sent. A row in flight at one kill
        // is claimed again once its lease runs out, and may be in flight again at the next: each such kill may add a
        // copy (the bound is the connection count per kill, not one copy per delivery).
        var killsInFlight = new Dictionary<long, int>();
        var copiesAtLastKill = new Dictionary<long, int>();
        for (var kill = 0; kill < Kills; kill++)
        {
            await using var sender = CliProcess.Start(environment, variables, "deliver");
            var before = server.MessageCount;

            // Stop it at a random moment once it is really sending.
            while (server.MessageCount < before + 20 && !sender.HasExited)
            {
                await Task.Delay(5, Ct);
            }

            Assert.False(sender.HasExited, $"The sender stopped on its own before kill {kill + 1}:\n{sender.Error}");
            await Task.Delay(random.Next(0, 400), Ct);
            if (hardKill)
            {
                await sender.KillAsync();
            }
            else
            {
                // SIGTERM: the in-flight mail is finished within the 10 s drain, and the process exits cleanly.
                await sender.TerminateAsync(TimeSpan.FromSeconds(12));
                Assert.Equal(0, sender.ExitCode);
            }

            // With the process gone: a delivery the server accepted a copy of since the last kill, which the database
            // does not hold as sent, was in flight at this kill.
            var copies = server.Messages.GroupBy(DeliveryIdOf).ToDictionary(g => g.Key, g => g.Count());
            var sent = await SentAsync(environment, sendId);
            var inFlight = copies.Where(c => !sent.Contains(c.Key) && c.Value > copiesAtLastKill.GetValueOrDefault(c.Key)).Select(c => c.Key).ToList();
            Assert.True(inFlight.Count <= Connections, $"{inFlight.Count} messages were accepted but not recorded at kill {kill + 1}; at most {Connections} can be in flight.");
            foreach (var id in inFlight)
            {
                killsInFlight[id] = killsInFlight.GetValueOrDefault(id) + 1;
            }

            copiesAtLastKill = copies;
        }

        Assert.True(server.MessageCount < Recipients, "The kills all came before the send ended.");
        await using (var last = CliProcess.Start(environment, variables, "deliver", "--until-idle"))
        {
            await last.WaitForExitAsync(TimeSpan.FromMinutes(5));
            Assert.True(last.ExitCode == 0, last.Error);
        }

        var received = server.Messages.GroupBy(DeliveryIdOf).ToDictionary(g => g.Key, g => g.Count());
        await using var check = await TestServices.CreateAsync(environment);
        var rows = await check.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().Where(d => d.SendId == sendId).ToListAsync(Ct));

        // Everybody eligible got it; nobody ineligible was even given a row; nothing is left claimed.
        Assert.Equal(Recipients, rows.Count);
        Assert.All(rows, r => Assert.Equal(DeliveryState.Sent, r.State));
        Assert.DoesNotContain(rows, r => ineligibleIds.Contains(r.SubscriberId));
        Assert.Equal(rows.Select(r => r.Id).Order(), received.Keys.Order());
        Assert.Equal(SendStatus.Finished, (await check.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, Ct))).Status);

        // Every duplicate was a message in flight at a kill, one copy more for each kill it was in flight at; with
        // SIGTERM there are none.
        var duplicates = received.Where(r => r.Value > 1).Select(r => r.Key).ToList();
        Assert.All(duplicates, id => Assert.Contains(id, killsInFlight.Keys));
        Assert.All(received, r => Assert.True(r.Value <= 1 + killsInFlight.GetValueOrDefault(r.Key),
            $"Delivery {r.Key} arrived {r.Value} times but was in flight at {killsInFlight.GetValueOrDefault(r.Key)} kills."));
        if (!hardKill)
        {
            Assert.Empty(killsInFlight);
            Assert.Empty(duplicates);
        }
    }

    private static int SizeFrom(string variable, int ciSize) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0 ? size : ciSize;

    private static long DeliveryIdOf(ReceivedMail mail) =>
        DeliveryComposer.DeliveryIdOf(mail.MessageId) ?? throw new InvalidOperationException("A message without our Message-ID reached the server.");

    /// <summary>The deliveries recorded as sent: in the database, or (on SQLite) in a journal the killed sender left, which the next one applies first.</summary>
    private static async Task<HashSet<long>> SentAsync(TestEnvironment environment, long sendId)
    {
        await using var services = await TestServices.CreateAsync(environment);
        return await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            var sent = (await db.Deliveries.AsNoTracking().Where(d => d.SendId == sendId && d.State == DeliveryState.Sent).Select(d => d.Id).ToListAsync(Ct)).ToHashSet();
            if (OutcomeJournal.DirectoryFor(db.Database.GetDbConnection()) is { } journals && Directory.Exists(journals))
            {
                foreach (var file in Directory.EnumerateFiles(journals, "*" + OutcomeJournal.Extension))
                {
                    sent.UnionWith(OutcomeJournal.Read(file).Outcomes.Where(o => o.State == DeliveryState.Sent).Select(o => o.DeliveryId));
                }
            }

            return sent;
        });
    }
}
