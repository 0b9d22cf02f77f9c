using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Broadsheet.Tests.Delivery;

/// <summary>The outbox's rules, on both databases, with a transport whose answers each test decides.</summary>
public sealed class DeliveryDispatcherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestServices Services, ScriptedTransport Transport)> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null)
    {
        var transport = new ScriptedTransport();
        var all = new Dictionary<string, string?>
        {
            ["Broadsheet:Mail:From"] = "\"The Ledger\" <newsletter@ledger.example>",
            ["Broadsheet:Mail:BounceAddress"] = "bounces@ledger.example",
            ["Broadsheet:SiteUrl"] = "https://ledger.example",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var services = await TestServices.CreateAsync(provider, all, s => s.AddSingleton<IMailTransport>(transport));
        return (services, transport);
    }

    internal static async Task<long> AddSubscriberAsync(
        TestServices services, string address, SubscriberStatus status = SubscriberStatus.Active, NewsletterLanguages languages = NewsletterLanguages.English, string? name = null) =>
        await services.InScopeAsync(async sp =>
        {
            var protector = sp.GetRequiredService<AddressProtector>();
            var db = sp.GetRequiredService<BroadsheetDb>();
            var subscriber = new Subscriber
            {
                EmailEncrypted = protector.Encrypt(address), EmailIndex = protector.BlindIndex(address), Status = status, Languages = languages,
                NameEncrypted = name is null ? null : protector.Encrypt(name), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            };
            db.Subscribers.Add(subscriber);
            await db.SaveChangesAsync(Ct);
            return subscriber.Id;
        });

    private static Task<Send> CampaignAsync(TestServices services, string language = "en", string subject = "The week in review") =>
        services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync(
            language, subject, $"<p>Hello</p><a href=\"{Send.UnsubscribeUrlPlaceholder}\">unsubscribe</a>", $"Hello\nUnsubscribe: {Send.UnsubscribeUrlPlaceholder}\n", Ct));

    private static Task<List<DeliveryRecord>> DeliveriesAsync(TestServices services, long sendId) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().Where(d => d.SendId == sendId).OrderBy(d => d.Id).ToListAsync(Ct));

    private static Task<Send> SendAsync(TestServices services, long sendId) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(s => s.Id == sendId, Ct));

    private static Task<Subscriber> SubscriberAsync(TestServices services, long id) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().SingleAsync(s => s.Id == id, Ct));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_send_reaches_exactly_the_active_subscribers_of_its_language_once_each(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        await AddSubscriberAsync(services, "en1@example.org");
        await AddSubscriberAsync(services, "both@example.org", languages: NewsletterLanguages.Both);
        await AddSubscriberAsync(services, "ar@example.org", languages: NewsletterLanguages.Arabic);
        await AddSubscriberAsync(services, "pending@example.org", SubscriberStatus.Pending);
        await AddSubscriberAsync(services, "gone@example.org", SubscriberStatus.Unsubscribed);
        await AddSubscriberAsync(services, "bounced@example.org", SubscriberStatus.Bounced);

        var send = await CampaignAsync(services);
        await services.DeliverAsync();

        Assert.Equal(["both@example.org", "en1@example.org"], transport.Calls.Select(c => c.Recipient.Address).Order(StringComparer.Ordinal));
        var finished = await SendAsync(services, send.Id);
        Assert.Equal(SendStatus.Finished, finished.Status);
        Assert.Equal(2, finished.Recipients);
        Assert.All(await DeliveriesAsync(services, send.Id), d =>
        {
            Assert.Equal(DeliveryState.Sent, d.State);
            Assert.Null(d.LeaseOwner);
            Assert.Equal(1, d.Attempts);
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Each_message_carries_its_own_unsubscribe_links_list_headers_message_id_and_return_path(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        var subscriberId = await AddSubscriberAsync(services, "salma@example.org", languages: NewsletterLanguages.Arabic, name: "سلمى");
        var send = await CampaignAsync(services, "ar", "أهم التقارير هذا الأسبوع");
        await services.DeliverAsync();

        var outgoing = Assert.Single(transport.Calls);
        var delivery = Assert.Single(await DeliveriesAsync(services, send.Id));
        var message = outgoing.Mime;
        Assert.Equal($"d{delivery.Id}.s{send.Id}@ledger.example", message.MessageId);
        Assert.Equal("أهم التقارير هذا الأسبوع", message.Subject);
        Assert.Equal("سلمى", message.To.Mailboxes.Single().Name);

        // Arabic in headers goes out RFC 2047-encoded, never as raw 8-bit.
        using var raw = new MemoryStream();
        message.WriteTo(raw, Ct);
        var headers = System.Text.Encoding.UTF8.GetString(raw.ToArray()).Split("\r\n\r\n")[0];
        Assert.Contains("Subject: =?utf-8?", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("أهم", headers, StringComparison.Ordinal);

        // The Arabic list name is an encoded word of its own, never one inside quotes (which readers would show raw).
        Assert.Matches(@"List-Id: =\?utf-8\?[bq]\?[^""]+\?= <newsletter\.ledger\.example>", headers);

        var unsubscribe = message.Headers[HeaderId.ListUnsubscribe]!;
        Assert.Matches(@"^<https://ledger\.example/unsubscribe/[A-Za-z0-9_.-]+>, <mailto:bounces@ledger\.example\?subject=unsubscribe%20[A-Za-z0-9_.-]+>$", unsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.EndsWith("<newsletter.ledger.example>", message.Headers[HeaderId.ListId], StringComparison.Ordinal);

        // The link in the body is this reader's, and it is the one in the header.
        var token = System.Text.RegularExpressions.Regex.Match(unsubscribe, "/unsubscribe/([^>]+)>").Groups[1].Value;
        raw.Position = 0;
        var received = await MimeMessage.LoadAsync(raw, Ct);
        Assert.Contains($"https://ledger.example/unsubscribe/{token}", received.TextBody, StringComparison.Ordinal);
        var holder = await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().FindByManageTokenAsync(token, Ct));
        Assert.Equal(subscriberId, holder!.Id);

        // The envelope sender names this delivery, and only we can make one that does.
        Assert.StartsWith("bounces+d", outgoing.EnvelopeSender.Address, StringComparison.Ordinal);
        var returnPath = await services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<ReturnPath>()));
        Assert.True(returnPath.TryParse(outgoing.EnvelopeSender.Address, out var named));
        Assert.Equal(delivery.Id, named);
        Assert.False(returnPath.TryParse(outgoing.EnvelopeSender.Address.Replace($"+d{delivery.Id}-", $"+d{delivery.Id + 1}-", StringComparison.Ordinal), out var forged), $"forged {forged}");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Materialising_is_resumable_and_a_repeated_chunk_adds_nobody(DatabaseProvider provider)
    {
        var (services, _) = await StartAsync(provider);
        await using var __ = services;
        for (var i = 0; i < 7; i++)
        {
            await AddSubscriberAsync(services, $"reader{i}@example.org");
        }

        var send = await CampaignAsync(services);
        await services.InScopeAsync(async sp =>
        {
            var store = new DeliveryStore(sp.GetRequiredService<BroadsheetDb>());
            var stale = await SendAsync(services, send.Id);
            var now = DateTime.UtcNow;
            Assert.True(await store.MaterialiseChunkAsync(stale, 3, now, Ct));

            // A second worker that read the send before the first chunk committed: its chunk is dropped.
            var behind = await SendAsync(services, send.Id);
            behind.MaterialisedUpTo = 0;
            behind.Recipients = 0;
            Assert.False(await store.MaterialiseChunkAsync(behind, 3, now, Ct));

            Assert.True(await store.MaterialiseChunkAsync(stale, 3, now, Ct));
            Assert.False(await store.MaterialiseChunkAsync(stale, 3, now, Ct));
            return 0;
        });

        var materialised = await SendAsync(services, send.Id);
        Assert.Equal(SendStatus.Sending, materialised.Status);
        Assert.Equal(7, materialised.Recipients);
        var rows = await DeliveriesAsync(services, send.Id);
        Assert.Equal(7, rows.Count);
        Assert.Equal(7, rows.Select(r => r.SubscriberId).Distinct().Count());
    }

    [Fact]
    public async Task A_SQLite_connection_waits_for_another_writer_in_SQLite_itself_and_outcome_commits_are_relaxed_only_while_the_recorder_holds_it()
    {
        var (services, _) = await StartAsync(DatabaseProvider.Sqlite);
        await using var _services = services;
        await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            await db.Database.OpenConnectionAsync(Ct);
            var connection = db.Database.GetDbConnection();
            // SQLite's own busy handler retries within milliseconds; Microsoft.Data.Sqlite's slept 150 ms a try.
            Assert.Equal(30_000L, await PragmaAsync(connection, "busy_timeout"));
            var before = await PragmaAsync(connection, "synchronous");
            Assert.NotEqual(1L, before);

            using (var store = new DeliveryStore(db))
            {
                store.RelaxOutcomeCommits();
                Assert.Equal(1L, await PragmaAsync(connection, "synchronous"));
            }

            // Back as it was before the connection returns to the pool for anyone else's writes.
            Assert.Equal(before, await PragmaAsync(connection, "synchronous"));
            return 0;
        });
    }

    private static async Task<long> PragmaAsync(System.Data.Common.DbConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Eligibility_is_checked_again_at_claim_time(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        var stays = await AddSubscriberAsync(services, "stays@example.org");
        var leaves = await AddSubscriberAsync(services, "leaves@example.org");
        var suppressed = await AddSubscriberAsync(services, "suppressed@example.org");
        var send = await CampaignAsync(services);

        // Materialise without sending, then change two readers' eligibility before the claim.
        await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            var store = new DeliveryStore(db);
            var row = await db.Sends.SingleAsync(s => s.Id == send.Id, Ct);
            while (await store.MaterialiseChunkAsync(row, 100, services.Clock.GetUtcNow().UtcDateTime, Ct))
            {
            }

            var subscriptions = sp.GetRequiredService<SubscriptionService>();
            Assert.True(await subscriptions.UnsubscribeAsync(subscriptions.ManageToken(leaves), "test", Ct));
            var protector = sp.GetRequiredService<AddressProtector>();
            db.Suppressions.Add(new Suppression { AddressHash = protector.SuppressionHash("suppressed@example.org"), Reason = SuppressionReason.Complained, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
            return 0;
        });

        await services.DeliverAsync();

        Assert.Equal(["stays@example.org"], transport.Calls.Select(c => c.Recipient.Address));
        var rows = (await DeliveriesAsync(services, send.Id)).ToDictionary(d => d.SubscriberId);
        Assert.Equal(DeliveryState.Sent, rows[stays].State);
        Assert.Equal(DeliveryState.Skipped, rows[leaves].State);
        Assert.Equal(DeliveryState.Skipped, rows[suppressed].State);
        Assert.Equal(SendStatus.Finished, (await SendAsync(services, send.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_permanent_bad_mailbox_fails_suppresses_and_marks_the_reader_bounced_while_the_others_go_out(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        var good1 = await AddSubscriberAsync(services, "a@example.org");
        var bad = await AddSubscriberAsync(services, "nobody@example.org");
        var good2 = await AddSubscriberAsync(services, "z@example.org");
        transport.Answer = m => m.Recipient.Address == "nobody@example.org"
            ? new TransportResult(TransportOutcome.Rejected, "mailbox unavailable", 550, "5.1.1")
            : TransportResult.Sent();
        var send = await CampaignAsync(services);
        await services.DeliverAsync();

        var rows = (await DeliveriesAsync(services, send.Id)).ToDictionary(d => d.SubscriberId);
        Assert.Equal(DeliveryState.Sent, rows[good1].State);
        Assert.Equal(DeliveryState.Sent, rows[good2].State);
        Assert.Equal(DeliveryState.Failed, rows[bad].State);
        Assert.Contains("550 5.1.1", rows[bad].LastResult, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Bounced, (await SubscriberAsync(services, bad)).Status);
        var hash = await services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<AddressProtector>().SuppressionHash("nobody@example.org")));
        Assert.True(await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Suppressions.AnyAsync(s => s.AddressHash == hash, Ct)));
        Assert.Equal(SendStatus.Finished, (await SendAsync(services, send.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_temporary_failure_is_retried_with_growing_delays_and_given_up_after_the_last_attempt(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider, new() { ["Broadsheet:Mail:Delivery:MaxAttempts"] = "3", ["Broadsheet:Mail:Delivery:FirstRetry"] = "00:01:00" });
        await using var _ = services;
        await AddSubscriberAsync(services, "full@example.org");
        transport.Answer = _ => new TransportResult(TransportOutcome.Deferred, "mailbox full", 452, "4.2.2");
        var send = await CampaignAsync(services);

        await services.DeliverAsync();
        var row = Assert.Single(await DeliveriesAsync(services, send.Id));
        Assert.Equal(DeliveryState.Deferred, row.State);
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime.AddMinutes(1), row.NextAttemptAt, TimeSpan.FromSeconds(1));

        // Not due yet: nothing is tried.
        await services.DeliverAsync();
        Assert.Single(transport.Calls);

        services.Clock.Advance(TimeSpan.FromMinutes(1));
        await services.DeliverAsync();
        row = Assert.Single(await DeliveriesAsync(services, send.Id));
        Assert.Equal(2, transport.Calls.Count);
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime.AddMinutes(2), row.NextAttemptAt, TimeSpan.FromSeconds(1));

        services.Clock.Advance(TimeSpan.FromMinutes(2));
        await services.DeliverAsync();
        row = Assert.Single(await DeliveriesAsync(services, send.Id));
        Assert.Equal(3, transport.Calls.Count);
        Assert.Equal(DeliveryState.Failed, row.State);
        Assert.Contains("gave up after 3 attempts", row.LastResult, StringComparison.Ordinal);
        Assert.Equal(SendStatus.Finished, (await SendAsync(services, send.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_unknown_outcome_is_retried_once_with_the_same_message_id(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        await AddSubscriberAsync(services, "once@example.org");
        await AddSubscriberAsync(services, "twice@example.org");
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        transport.Answer = m => answers.AddOrUpdate(m.Recipient.Address, 1, (_, n) => n + 1) == 1 || m.Recipient.Address == "twice@example.org"
            ? new TransportResult(TransportOutcome.Unknown, "connection dropped after DATA")
            : TransportResult.Sent();
        var send = await CampaignAsync(services);
        await services.DeliverAsync();

        var byAddress = transport.Calls.GroupBy(c => c.Recipient.Address).ToDictionary(g => g.Key, g => g.Select(c => c.Mime.MessageId).ToList());
        Assert.Equal(2, byAddress["once@example.org"].Count);
        Assert.Single(byAddress["once@example.org"].Distinct());
        Assert.Equal(2, byAddress["twice@example.org"].Count);
        var rows = await DeliveriesAsync(services, send.Id);
        Assert.Equal([DeliveryState.Sent, DeliveryState.Failed], rows.Select(r => r.State));
        Assert.Contains("unknown twice", rows[1].LastResult, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_transport_that_takes_nothing_fails_the_send_with_its_reason_and_an_operator_resumes_it(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider, new()
        {
            ["Broadsheet:Mail:Delivery:StallAfter"] = "00:00:45",
            ["Broadsheet:Mail:Smtp:Timeout"] = "00:00:10",
        });
        await using var _ = services;
        await AddSubscriberAsync(services, "patient@example.org");
        transport.Answer = _ => new TransportResult(TransportOutcome.Deferred, "no answer from relay.example:587 within 10 s", ConnectionFailure: true);
        var send = await CampaignAsync(services);

        // Retried every ten seconds; within a minute of the first failure the send is failed, with the reason.
        for (var i = 0; i < 6 && (await SendAsync(services, send.Id)).Status != SendStatus.Failed; i++)
        {
            await services.DeliverAsync();
            services.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var failed = await SendAsync(services, send.Id);
        Assert.Equal(SendStatus.Failed, failed.Status);
        Assert.Contains("no answer from relay.example:587", failed.FailureReason, StringComparison.Ordinal);
        Assert.True(transport.Calls.Count <= 5);
        var row = Assert.Single(await DeliveriesAsync(services, send.Id));
        Assert.Equal(0, row.Attempts);

        // Nothing is tried while it is failed.
        var calls = transport.Calls.Count;
        services.Clock.Advance(TimeSpan.FromMinutes(5));
        await services.DeliverAsync();
        Assert.Equal(calls, transport.Calls.Count);

        transport.Answer = _ => TransportResult.Sent();
        Assert.True(await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().ResumeAsync(send.Id, Ct)));
        await services.DeliverAsync();
        Assert.Equal(SendStatus.Finished, (await SendAsync(services, send.Id)).Status);
        Assert.Equal(DeliveryState.Sent, Assert.Single(await DeliveriesAsync(services, send.Id)).State);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_stop_finishes_what_is_in_flight_and_hands_the_rest_back_with_no_duplicate(DatabaseProvider provider)
    {
        var (services, transport) = await StartAsync(provider);
        await using var _ = services;
        for (var i = 0; i < 40; i++)
        {
            await AddSubscriberAsync(services, $"r{i}@example.org");
        }

        transport.Latency = TimeSpan.FromMilliseconds(50);
        var send = await CampaignAsync(services);
        using var stop = new CancellationTokenSource();
        await using var scope = services.Scope();
        var dispatcher = scope.ServiceProvider.GetRequiredService<DeliveryDispatcher>();
        var running = dispatcher.RunAsync(stop.Token);
        while (transport.Calls.Count < 5)
        {
            await Task.Delay(10, Ct);
        }

        await stop.CancelAsync();
        await running;

        var rows = await DeliveriesAsync(services, send.Id);
        Assert.DoesNotContain(rows, r => r.State == DeliveryState.Claimed);
        Assert.Equal(transport.Calls.Count, rows.Count(r => r.State == DeliveryState.Sent));
        Assert.True(rows.Any(r => r.State == DeliveryState.Pending), "the stop came before the end of the send");

        // A restart sends the rest, and nobody twice.
        transport.Latency = TimeSpan.Zero;
        await services.DeliverAsync();
        Assert.Equal(40, transport.Calls.Count);
        Assert.Equal(40, transport.Calls.Select(c => c.Recipient.Address).Distinct().Count());
        Assert.Equal(SendStatus.Finished, (await SendAsync(services, send.Id)).Status);
    }
}
