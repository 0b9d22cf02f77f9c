using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Broadsheet.Tests.Delivery;

/// <summary>Bounces and complaints acted on: matched to the delivery by its return path, on both databases.</summary>
public sealed partial class BounceProcessorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Broadsheet:Mail:From"] = "\"The Ledger\" <newsletter@ledger.example>",
        ["Broadsheet:Mail:BounceAddress"] = "bounces@ledger.example",
        ["Broadsheet:SiteUrl"] = "https://ledger.example",
    };

    /// <summary>Sends one campaign to one reader and returns what went out, as a bounce would refer to it.</summary>
    private static async Task<(TestServices Services, long SubscriberId, OutgoingMessage Sent)> SentOneAsync(DatabaseProvider provider, string address = "reader@example.org")
    {
        var transport = new ScriptedTransport();
        var services = await TestServices.CreateAsync(provider, Settings, s => s.AddSingleton<IMailTransport>(transport));
        var subscriberId = await DeliveryDispatcherTests.AddSubscriberAsync(services, address);
        await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync("en", "News", "<p>x</p>", "x", Ct));
        await services.DeliverAsync();
        return (services, subscriberId, transport.Calls.Single());
    }

    /// <summary>A sample report from the parser's tests, rewritten to name the delivery that really went out.</summary>
    private static MimeMessage ReportFor(string sample, OutgoingMessage sent)
    {
        var text = Verp().Replace(sample, sent.EnvelopeSender.Address);
        text = OurMessageId().Replace(text, sent.Mime.MessageId!);
        return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal))));
    }

    private static Task<BounceHandling> HandleAsync(TestServices services, MimeMessage report) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BounceProcessor>().HandleAsync(report, Ct));

    private static Task<Subscriber> SubscriberAsync(TestServices services, long id) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().SingleAsync(s => s.Id == id, Ct));

    private static Task<bool> SuppressedAsync(TestServices services, string address) =>
        services.InScopeAsync(sp =>
        {
            var hash = sp.GetRequiredService<AddressProtector>().SuppressionHash(address);
            return sp.GetRequiredService<BroadsheetDb>().Suppressions.AnyAsync(s => s.AddressHash == hash, Ct);
        });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_hard_bounce_marks_the_reader_bounced_suppresses_the_address_and_counts_once(DatabaseProvider provider)
    {
        var (services, subscriberId, sent) = await SentOneAsync(provider);
        await using var _ = services;

        Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.PostfixHardBounce, sent)));
        Assert.Equal(SubscriberStatus.Bounced, (await SubscriberAsync(services, subscriberId)).Status);
        Assert.True(await SuppressedAsync(services, "reader@example.org"));
        var delivery = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Deliveries.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.StartsWith("bounced 5.1.1", delivery.LastResult, StringComparison.Ordinal);
        Assert.DoesNotContain("@", delivery.LastResult, StringComparison.Ordinal);

        // The same report again (polled twice, or also posted to the webhook) changes nothing.
        Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.PostfixHardBounce, sent)));
        Assert.Equal(1, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().BounceEvents.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Soft_bounces_suppress_only_on_the_third_within_thirty_days(DatabaseProvider provider)
    {
        var (services, subscriberId, _) = await SentOneAsync(provider);
        await using var __ = services;
        var transport = (ScriptedTransport)services.Scope().ServiceProvider.GetRequiredService<IMailTransport>();

        // Three more sends to the same reader, each soft-bouncing; the first two leave them active.
        for (var i = 0; i < 3; i++)
        {
            if (i == 2)
            {
                Assert.Equal(SubscriberStatus.Active, (await SubscriberAsync(services, subscriberId)).Status);
            }

            await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync("en", $"Issue {i}", "<p>x</p>", "x", Ct));
            await services.DeliverAsync();
            Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.DelayedMailboxFull, transport.Calls[^1])));
            services.Clock.Advance(TimeSpan.FromDays(5));
        }

        Assert.Equal(SubscriberStatus.Bounced, (await SubscriberAsync(services, subscriberId)).Status);
        Assert.True(await SuppressedAsync(services, "reader@example.org"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Soft_bounces_spread_over_more_than_thirty_days_do_not_suppress(DatabaseProvider provider)
    {
        var (services, subscriberId, first) = await SentOneAsync(provider);
        await using var _ = services;
        var transport = (ScriptedTransport)services.Scope().ServiceProvider.GetRequiredService<IMailTransport>();
        Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.DelayedMailboxFull, first)));
        for (var i = 0; i < 2; i++)
        {
            services.Clock.Advance(TimeSpan.FromDays(20));
            await services.InScopeAsync(sp => sp.GetRequiredService<SendService>().CreateCampaignAsync("en", $"Issue {i}", "<p>x</p>", "x", Ct));
            await services.DeliverAsync();
            Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.DelayedMailboxFull, transport.Calls[^1])));
        }

        Assert.Equal(SubscriberStatus.Active, (await SubscriberAsync(services, subscriberId)).Status);
        Assert.False(await SuppressedAsync(services, "reader@example.org"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_complaint_unsubscribes_and_suppresses(DatabaseProvider provider)
    {
        var (services, subscriberId, sent) = await SentOneAsync(provider);
        await using var _ = services;
        Assert.Equal(BounceHandling.Applied, await HandleAsync(services, ReportFor(BounceParserTests.AbuseReport, sent)));
        var subscriber = await SubscriberAsync(services, subscriberId);
        Assert.Equal(SubscriberStatus.Complained, subscriber.Status);
        Assert.NotNull(subscriber.UnsubscribedAt);
        Assert.True(await SuppressedAsync(services, "reader@example.org"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Auto_replies_forged_and_foreign_reports_change_nothing(DatabaseProvider provider)
    {
        var (services, subscriberId, sent) = await SentOneAsync(provider);
        await using var _ = services;
        Assert.Equal(BounceHandling.Ignored, await HandleAsync(services, ReportFor(BounceParserTests.Rfc3834AutoReply, sent)));

        // The right delivery number with a made-up tag, and a Message-ID of someone else's domain.
        var forged = BounceParserTests.PostfixHardBounce
            .Replace(BounceParserTests.OurVerp, Regex.Replace(sent.EnvelopeSender.Address, "-[0-9a-f]+@", "-00000000@"), StringComparison.Ordinal)
            .Replace(BounceParserTests.OurMessageId, sent.Mime.MessageId!.Replace("ledger.example", "elsewhere.example", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(BounceHandling.Unmatched, await HandleAsync(services, MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(forged)), Ct)));

        Assert.Equal(SubscriberStatus.Active, (await SubscriberAsync(services, subscriberId)).Status);
        Assert.False(await SuppressedAsync(services, "reader@example.org"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_mailto_unsubscribe_link_unsubscribes(DatabaseProvider provider)
    {
        var (services, subscriberId, sent) = await SentOneAsync(provider);
        await using var _ = services;
        var mailto = Regex.Match(sent.Mime.Headers[HeaderId.ListUnsubscribe]!, "<mailto:([^?]+)\\?subject=([^>]+)>");
        var request = new MimeMessage();
        request.From.Add(MailboxAddress.Parse("reader@example.org"));
        request.To.Add(MailboxAddress.Parse(mailto.Groups[1].Value));
        request.Subject = Uri.UnescapeDataString(mailto.Groups[2].Value);
        request.Body = new TextPart("plain") { Text = "" };

        Assert.Equal(BounceHandling.Unsubscribed, await HandleAsync(services, request));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await SubscriberAsync(services, subscriberId)).Status);
    }

    [Fact]
    public async Task The_webhook_needs_its_secret_refuses_junk_and_applies_a_bounce()
    {
        var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var transport = new ScriptedTransport();
        await using var site = await TestSite.StartAsync(environment, demoContent: false, s => s.AddSingleton<IMailTransport>(transport), ownsEnvironment: true,
            settings: new Dictionary<string, string?>(Settings) { ["Broadsheet:Mail:Bounces:WebhookSecret"] = "s3cret-webhook" });
        await using var services = await TestServices.CreateAsync(site.Environment);
        var subscriberId = await DeliveryDispatcherTests.AddSubscriberAsync(services, "reader@example.org");
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SendService>().CreateCampaignAsync("en", "News", "<p>x</p>", "x", Ct);
        }

        await site.MailSettledAsync();
        var report = ReportFor(BounceParserTests.PostfixHardBounce, transport.Calls.Single());
        using var raw = new MemoryStream();
        await report.WriteToAsync(raw, Ct);

        async Task<HttpResponseMessage> PostAsync(byte[] body, string? secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/bounces") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
            if (secret is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            }

            return await site.Client.SendAsync(request, Ct);
        }

        using (var noSecret = await PostAsync(raw.ToArray(), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        }

        using (var wrong = await PostAsync(raw.ToArray(), "guess"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        Assert.Equal(SubscriberStatus.Active, (await SubscriberAsync(services, subscriberId)).Status);
        using (var empty = await PostAsync([], "s3cret-webhook"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("empty", await empty.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var applied = await PostAsync(raw.ToArray(), "s3cret-webhook"))
        {
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
            Assert.Contains("\"applied\"", await applied.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(SubscriberStatus.Bounced, (await SubscriberAsync(services, subscriberId)).Status);
    }

    [GeneratedRegex(@"bounces\+d\d+-[0-9a-f]+@example\.org")]
    private static partial Regex Verp();

    [GeneratedRegex(@"d\d+\.s\d+@example\.org")]
    private static partial Regex OurMessageId();
}
