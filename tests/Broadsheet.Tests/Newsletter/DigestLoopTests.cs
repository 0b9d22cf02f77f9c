using System.Globalization;
using System.Net;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Subscribers;
using Broadsheet.Privacy;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Broadsheet.Tests.Newsletter;

/// <summary>
/// The whole loop on real parts: a post is published, readers subscribe on the site and confirm, the host's own
/// scheduler prepares the editions, an editor approves them, the delivery engine sends them over SMTP, and each
/// reader gets exactly one message per language they chose, Arabic right-to-left, each with a working one-click
/// unsubscribe; the edition then appears in the public archive without anyone's links.
/// </summary>
public sealed class DigestLoopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> PostFormAsync(TestSite site, string path, params (string Key, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        return await site.Client.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"Timed out waiting for {what}.");
        return default!;
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publish_subscribe_confirm_prepare_approve_send_one_message_per_reader_and_language(DatabaseProvider provider)
    {
        await using var server = SmtpTestServer.Start();
        var environment = await TestEnvironment.CreateAsync(provider);

        // A daily schedule whose time was two minutes ago (in UTC): the edition is due now, within the lateness window.
        var now = DateTimeOffset.UtcNow;
        var sendTime = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-2);
        var settings = new Dictionary<string, string?>
        {
            ["Broadsheet:TimeZone"] = "UTC",
            ["Broadsheet:SiteUrl"] = "https://ledger.example",
            ["Broadsheet:Newsletter:Schedule"] = string.Create(CultureInfo.InvariantCulture, $"{sendTime.Minute} {sendTime.Hour} * * *"),
            ["Broadsheet:SchedulerInterval"] = "00:00:00.2",
            ["Broadsheet:Workers:Scheduler"] = "true",
            ["Broadsheet:Mail:Transport"] = "Smtp",
            ["Broadsheet:Mail:From"] = "\"The Ledger\" <newsletter@ledger.example>",
            ["Broadsheet:Mail:BounceAddress"] = "bounces@ledger.example",
            ["Broadsheet:Mail:Smtp:Host"] = server.Host,
            ["Broadsheet:Mail:Smtp:Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["Broadsheet:Mail:Smtp:Security"] = "None",
        };

        // Published before the send time: a report in English, a news item in Arabic.
        Post report, news;
        await using (var library = await TestServices.CreateAsync(environment, now, settings))
        {
            report = await library.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = PostKind.Report, Language = "en", Title = "The wells that ran dry", Slug = "wells-ran-dry",
                Lede = "Three villages, one aquifer, and a decade of pumping that nobody measured.", BodyMarkdown = "A long investigation.",
                Status = PostStatus.Published, PublishAt = sendTime.AddMinutes(-30).UtcDateTime,
            }, Ct));
            news = await library.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = PostKind.News, Language = "ar", Title = "إغلاق المعبر الحدودي لليوم الثالث",
                Lede = "تنتظر مئات الشاحنات على جانبي الحدود.", BodyMarkdown = "خبر قصير.",
                Status = PostStatus.Published, PublishAt = sendTime.AddMinutes(-20).UtcDateTime,
            }, Ct));
        }

        await using var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: true, settings);

        // Readers subscribe under the articles and confirm by the link in their mail (one never confirms).
        var readers = new (string Address, string Languages)[] { ("en@example.org", "en"), ("ar@example.org", "ar"), ("both@example.org", "both"), ("pending@example.org", "en") };
        foreach (var (address, languages) in readers)
        {
            using var signup = await PostFormAsync(site, languages == "ar" ? "/ar/subscribe" : "/en/subscribe",
                ("email", address), ("languages", languages), ("source", "/en/wells-ran-dry"), ("website", ""));
            Assert.Equal(HttpStatusCode.OK, signup.StatusCode);
        }

        await server.WaitForAsync(readers.Length, TimeSpan.FromSeconds(30), Ct);
        foreach (var mail in server.Messages.Where(m => !m.Recipients.Contains("pending@example.org")))
        {
            using var confirmed = await PostFormAsync(site, Outbox.ConfirmPath(mail.Message));
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        // The host's scheduler has prepared both editions (due now): the English one carries the report, the Arabic one the news.
        async Task<Edition?> Prepared(string language)
        {
            await using var scope = site.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking()
                .FirstOrDefaultAsync(e => e.Language == language && e.ScheduledFor == sendTime.UtcDateTime && e.PreparedAt != null, Ct);
        }

        var english = await WaitForAsync(() => Prepared("en"), "the English edition");
        var arabic = await WaitForAsync(() => Prepared("ar"), "the Arabic edition");
        Assert.Equal(EditionStatus.Draft, english.Status); // editions wait for an editor by default
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var editions = scope.ServiceProvider.GetRequiredService<EditionService>();
            Assert.Equal([report.Id], (await editions.ItemsAsync(english.Id, Ct)).Select(i => i.Post.Id));
            Assert.Equal([news.Id], (await editions.ItemsAsync(arabic.Id, Ct)).Select(i => i.Post.Id));

            // Approved after its time (within the lateness window): it goes now (handed over by this call or by the
            // scheduler's next pass, whichever comes first; once either way).
            await editions.ApproveAsync(english.Id, null, Ct);
            await editions.ApproveAsync(arabic.Id, null, Ct);
        }

        // Four confirmations, then one message per confirmed reader and language: en 1, ar 1, both 2.
        await server.WaitForAsync(readers.Length + 4, TimeSpan.FromSeconds(60), Ct);
        await site.MailSettledAsync();
        var editionsMail = server.Messages.Where(m => m.Message.Headers.Contains(HeaderId.ListUnsubscribe)).ToList();
        Assert.Equal(4, editionsMail.Count);
        Assert.Equal(readers.Length + 4, server.MessageCount);
        string[] Received(string address) => editionsMail.Where(m => m.Recipients.Contains(address)).Select(m => Language(m.Message)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["en"], Received("en@example.org"));
        Assert.Equal(["ar"], Received("ar@example.org"));
        Assert.Equal(["ar", "en"], Received("both@example.org"));
        Assert.Empty(Received("pending@example.org"));

        foreach (var mail in editionsMail)
        {
            var message = mail.Message;
            Assert.DoesNotContain("{{", message.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", message.TextBody, StringComparison.Ordinal);
            if (Language(message) == "ar")
            {
                Assert.Contains("dir=\"rtl\"", message.HtmlBody, StringComparison.Ordinal);
                Assert.Contains(news.Title, message.HtmlBody, StringComparison.Ordinal);
                Assert.DoesNotContain(report.Title, message.HtmlBody, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("dir=\"ltr\"", message.HtmlBody, StringComparison.Ordinal);
                Assert.Contains(report.Title, message.HtmlBody, StringComparison.Ordinal);
                Assert.Contains(report.Lede, message.TextBody, StringComparison.Ordinal);
            }

            Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        }

        // The editions are marked sent once their sends finish.
        await WaitForAsync(async () =>
        {
            await using var scope = site.Services.CreateAsyncScope();
            var statuses = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking()
                .Where(e => e.Id == english.Id || e.Id == arabic.Id).Select(e => e.Status).ToListAsync(Ct);
            return statuses.All(s => s == EditionStatus.Sent) ? (object)true : null;
        }, "the editions to be marked sent");

        // The archive lists them, and the web version carries no reader's link.
        var (archiveStatus, archive) = await site.Client.FetchAsync("/en/newsletter");
        Assert.Equal(HttpStatusCode.OK, archiveStatus);
        Assert.Contains($"/en/newsletter/{english.PeriodKey}", archive, StringComparison.Ordinal);
        var (webStatus, web) = await site.Client.FetchAsync($"/ar/newsletter/{arabic.PeriodKey}");
        Assert.Equal(HttpStatusCode.OK, webStatus);
        Assert.Contains(news.Title, web, StringComparison.Ordinal);
        Assert.DoesNotContain("/unsubscribe/", web, StringComparison.Ordinal);
        Assert.DoesNotContain("/preferences/", web, StringComparison.Ordinal);

        // Every message's one-click unsubscribe works: a bare POST, no cookie, 2xx, and the reader is out.
        foreach (var mail in editionsMail)
        {
            var header = mail.Message.Headers[HeaderId.ListUnsubscribe]!;
            var url = new Uri(header.Split(',')[0].Trim().Trim('<', '>'));
            Assert.Equal("https", url.Scheme);
            using var content = new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await site.Client.PostAsync(new Uri(url.PathAndQuery, UriKind.Relative), content, Ct);
            Assert.True(response.IsSuccessStatusCode, $"one-click unsubscribe answered {(int)response.StatusCode}");
            Assert.Null(response.Headers.Location);
        }

        await using (var scope = site.Services.CreateAsyncScope())
        {
            var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            foreach (var address in new[] { "en@example.org", "ar@example.org", "both@example.org" })
            {
                var index = protector.BlindIndex(EmailAddress.Parse(address).Value);
                Assert.Equal(SubscriberStatus.Unsubscribed, (await db.Subscribers.AsNoTracking().SingleAsync(s => s.EmailIndex == index, Ct)).Status);
            }
        }
    }

    // The edition's language, from the HTML root the template writes.
    private static string Language(MimeMessage message) =>
        message.HtmlBody?.Contains("lang=\"ar\"", StringComparison.Ordinal) == true ? "ar" : "en";
}
