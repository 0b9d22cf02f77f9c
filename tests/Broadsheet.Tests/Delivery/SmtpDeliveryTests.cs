using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// The whole engine over a real SMTP conversation: the host's own worker, MailKit, DKIM, the test server with its
/// faults, on both databases.
/// </summary>
public sealed class SmtpDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> SmtpSettings(SmtpTestServer server, int connections = 2) => new()
    {
        ["Broadsheet:Mail:Transport"] = "Smtp",
        ["Broadsheet:Mail:From"] = "\"The Ledger\" <newsletter@ledger.example>",
        ["Broadsheet:Mail:BounceAddress"] = "bounces@ledger.example",
        ["Broadsheet:Mail:Smtp:Host"] = server.Host,
        ["Broadsheet:Mail:Smtp:Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
        ["Broadsheet:Mail:Smtp:Security"] = "None",
        ["Broadsheet:Mail:Smtp:Connections"] = connections.ToString(CultureInfo.InvariantCulture),
        ["Broadsheet:Mail:Delivery:FirstRetry"] = "00:00:01",
    };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_signup_on_the_site_sends_a_dkim_signed_confirmation_over_smtp_from_its_own_return_path(DatabaseProvider provider)
    {
        await using var server = SmtpTestServer.Start();
        var environment = await TestEnvironment.CreateAsync(provider);
        DkimIdentity.TryCreate("ledger.example", "news2026", out var identity, out _);
        var record = DkimKeyFile.Create(DkimKeyFile.DefaultPath(environment.DataDirectory, identity!), identity!, overwrite: false);
        var settings = SmtpSettings(server);
        settings["Broadsheet:Mail:Dkim:Domain"] = "ledger.example";
        settings["Broadsheet:Mail:Dkim:Selector"] = "news2026";
        await using var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: true, settings);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "reader@example.org", ["languages"] = "ar", ["source"] = "/ar/x" });
        using var response = await site.Client.PostAsync(new Uri("/ar/subscribe", UriKind.Relative), form, Ct);
        Assert.True(response.IsSuccessStatusCode);
        await server.WaitForAsync(1, TimeSpan.FromSeconds(20), Ct);

        var mail = Assert.Single(server.Messages);
        Assert.Equal(["reader@example.org"], mail.Recipients);
        Assert.Matches(@"^bounces\+d\d+-[0-9a-f]{8}@ledger\.example$", mail.EnvelopeSender);
        Assert.Contains("أكّد اشتراكك", mail.Message.Subject, StringComparison.Ordinal);
        Assert.Matches(@"^d\d+\.s\d+@ledger\.example$", mail.MessageId);

        var signature = mail.Message.Headers[mail.Message.Headers.IndexOf(HeaderId.DkimSignature)];
        Assert.True(await new DkimVerifier(new DkimTests.PublishedRecordLocator(record)).VerifyAsync(mail.Message, signature, Ct), "The DKIM signature verifies against the published record.");
        await site.MailSettledAsync();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Faults_from_the_server_end_in_the_right_state_and_never_hold_up_the_other_readers(DatabaseProvider provider)
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RejectMailbox("nobody@example.org");
        server.Faults.DeferMailbox("full@example.org");
        server.Faults.DropAfterData.Next();
        server.Faults.CloseAfterMessages = 7;
        await using var services = await TestServices.CreateAsync(provider, SmtpSettings(server));
        var readers = Enumerable.Range(0, 30).Select(i => $"reader{i}@example.org").Concat(["nobody@example.org", "full@example.org"]).ToList();
        foreach (var reader in readers)
        {
            await DeliveryDispatcherTests.AddSubscriberAsync(services, reader);
        }

        var send = await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync("en", "Faults", "<p>x</p>", "x", Ct));
        await services.DeliverAsync();

        var rows = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().Where(d => d.SendId == send.Id).ToListAsync(Ct));
        var byReader = server.Messages.GroupBy(m => m.Recipients.Single()).ToDictionary(g => g.Key, g => g.ToList());

        // Everyone else got exactly one copy, in spite of a dropped connection and the server closing every 7 messages.
        Assert.Equal(30, byReader.Count);
        Assert.All(byReader.Values, copies => Assert.Single(copies));
        Assert.Equal(1, server.DroppedAfterDataCount);
        Assert.Equal(30, rows.Count(r => r.State == DeliveryState.Sent));

        var ids = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().ToListAsync(Ct));
        var protector = await services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<global::Broadsheet.Privacy.AddressProtector>()));
        long IdOf(string address) => ids.Single(s => protector.Decrypt(s.EmailEncrypted) == address).Id;
        var nobody = rows.Single(r => r.SubscriberId == IdOf("nobody@example.org"));
        Assert.Equal(DeliveryState.Failed, nobody.State);
        Assert.Contains("5.1.1", nobody.LastResult, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Bounced, ids.Single(s => s.Id == IdOf("nobody@example.org")).Status);
        var full = rows.Single(r => r.SubscriberId == IdOf("full@example.org"));
        Assert.Equal(DeliveryState.Deferred, full.State);
        Assert.StartsWith("4", full.LastResult, StringComparison.Ordinal);

        // The mailbox frees up: the deferred reader gets it at the next try, and the send finishes.
        server.Faults.ForgetMailboxes();
        services.Clock.Advance(TimeSpan.FromMinutes(1));
        await services.DeliverAsync();
        Assert.Single(server.Messages, m => m.Recipients.Single() == "full@example.org");
        Assert.Equal(SendStatus.Finished, (await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(s => s.Id == send.Id, Ct))).Status);
    }

    [Fact]
    public async Task A_black_holed_relay_fails_the_send_within_a_minute_with_its_reason_and_resume_finishes_it()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.BlackHole = true;
        // The default timeouts: this is what a newsroom gets.
        var settings = SmtpSettings(server);
        await using var site = await TestSite.StartAsync(await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite), demoContent: false, services: null, ownsEnvironment: true, settings);
        await using var services = await TestServices.CreateAsync(site.Environment);
        await DeliveryDispatcherTests.AddSubscriberAsync(services, "patient@example.org");
        Send send;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            send = await scope.ServiceProvider.GetRequiredService<SendService>().CreateCampaignAsync("en", "Into the void", "<p>x</p>", "x", Ct);
        }

        var started = DateTime.UtcNow;
        Send current;
        do
        {
            await Task.Delay(200, Ct);
            await using var scope = site.Services.CreateAsyncScope();
            current = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(s => s.Id == send.Id, Ct);
        }
        while (current.Status != SendStatus.Failed && DateTime.UtcNow - started < TimeSpan.FromSeconds(90));

        Assert.Equal(SendStatus.Failed, current.Status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(1), $"failed after {DateTime.UtcNow - started}");
        Assert.Contains("taken no message", current.FailureReason, StringComparison.Ordinal);
        Assert.Empty(server.Messages);

        // The relay answers again; an operator resumes the send and it goes out.
        server.Faults.BlackHole = false;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<SendService>().ResumeAsync(send.Id, Ct));
        }

        await server.WaitForAsync(1, TimeSpan.FromSeconds(30), Ct);
        await site.MailSettledAsync();
        Assert.Equal(["patient@example.org"], server.Messages.Select(m => m.Recipients.Single()));
    }

    [Fact]
    public async Task The_host_reads_bounces_from_the_mailbox_and_deletes_what_it_handled()
    {
        await using var server = SmtpTestServer.Start();
        var settings = SmtpSettings(server);
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        await using var services = await TestServices.CreateAsync(environment);
        var subscriberId = await DeliveryDispatcherTests.AddSubscriberAsync(services, "reader@example.org");
        ReceivedMail sent;
        await using (var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: false, settings))
        {
            await using var scope = site.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SendService>().CreateCampaignAsync("en", "News", "<p>x</p>", "x", Ct);
            await server.WaitForAsync(1, TimeSpan.FromSeconds(20), Ct);
            await site.MailSettledAsync();
            sent = server.Messages.Single();
        }

        var bounce = BounceParserTests.PostfixHardBounce
            .Replace(BounceParserTests.OurVerp, sent.EnvelopeSender, StringComparison.Ordinal)
            .Replace(BounceParserTests.OurMessageId, sent.MessageId, StringComparison.Ordinal);
        await using var mailbox = new Pop3TestServer("bounces", "mailbox-secret", [bounce, BounceParserTests.PersonalReply]);

        // The same data folder and database, started again with the mailbox configured.
        settings["Broadsheet:Mail:Bounces:Protocol"] = "Pop3";
        settings["Broadsheet:Mail:Bounces:Host"] = "127.0.0.1";
        settings["Broadsheet:Mail:Bounces:Port"] = mailbox.Port.ToString(CultureInfo.InvariantCulture);
        settings["Broadsheet:Mail:Bounces:Security"] = "None";
        settings["Broadsheet:Mail:Bounces:Username"] = "bounces";
        settings["Broadsheet:Mail:Bounces:Password"] = "mailbox-secret";
        await using var restarted = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: false, settings);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (mailbox.Messages.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Empty(mailbox.Messages);
        var subscriber = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().SingleAsync(s => s.Id == subscriberId, Ct));
        Assert.Equal(SubscriberStatus.Bounced, subscriber.Status);
    }
}
