using System.Net;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Subscribers;

/// <summary>The reader's side of a subscription, over real HTTP, on both databases.</summary>
public sealed class SubscriptionFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> PostFormAsync(TestSite site, string path, params (string Key, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        return await site.Client.PostAsync(path, content, Ct);
    }

    private static async Task<Subscriber?> FindAsync(TestSite site, string address)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<AddressProtector>().BlindIndex(EmailAddress.Parse(address).Value);
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.EmailIndex == index, Ct);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_reader_subscribes_from_an_arabic_article_confirms_by_post_and_unsubscribes_with_one_click(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: true);
        var (_, home) = await site.Client.FetchAsync("/ar/");
        Assert.Contains("action=\"/ar/subscribe\"", home, StringComparison.Ordinal);

        using var signup = await PostFormAsync(site, "/ar/subscribe", ("email", "Reader@Example.ORG"), ("name", "سلمى"), ("languages", "ar"), ("source", "/ar/x"), ("website", ""));
        Assert.Equal(HttpStatusCode.OK, signup.StatusCode);
        Assert.Contains("تفقّد بريدك", await signup.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await site.MailSettledAsync();
        var mail = Assert.Single(Outbox.Messages(site.Environment));
        Assert.Equal("Reader@example.org", mail.To.Mailboxes.Single().Address);
        Assert.Contains("أكّد اشتراكك", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("dir=\"rtl\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, (await FindAsync(site, "Reader@example.org"))!.Status);

        // A link scanner's GET changes nothing; only the POST confirms.
        var confirm = Outbox.ConfirmPath(mail);
        var (getStatus, page) = await site.Client.FetchAsync(confirm);
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains($"action=\"{confirm}\"", page, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Pending, (await FindAsync(site, "Reader@example.org"))!.Status);

        using var confirmed = await PostFormAsync(site, confirm);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var subscriber = await FindAsync(site, "Reader@example.org");
        Assert.Equal(SubscriberStatus.Active, subscriber!.Status);
        Assert.Equal(NewsletterLanguages.Arabic, subscriber.Languages);
        using (var again = await PostFormAsync(site, confirm))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // a link works once
        }

        string manage;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            manage = scope.ServiceProvider.GetRequiredService<SubscriptionService>().ManageToken(subscriber.Id);
        }

        using var oneClick = await PostFormAsync(site, $"/unsubscribe/{manage}", ("List-Unsubscribe", "One-Click"));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Null(oneClick.Headers.Location);
        Assert.False(oneClick.Headers.Contains("Set-Cookie"));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await FindAsync(site, "Reader@example.org"))!.Status);

        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            Assert.Equal(1, await db.Suppressions.CountAsync(Ct));
            var actions = await db.Consents.Where(c => c.SubscriberId == subscriber.Id).OrderBy(c => c.Id).Select(c => c.Action).ToListAsync(Ct);
            Assert.Equal([ConsentAction.Signup, ConsentAction.Confirm, ConsentAction.Unsubscribe], actions);
        }

        // The preferences page lets the person subscribe again, which lifts the suppression.
        var (prefsStatus, prefs) = await site.Client.FetchAsync($"/preferences/{manage}");
        Assert.Equal(HttpStatusCode.OK, prefsStatus);
        Assert.Contains("لست مشتركاً حالياً", prefs, StringComparison.Ordinal);
        using var resubscribe = await PostFormAsync(site, $"/preferences/{manage}", ("languages", "both"), ("subscribed", "on"));
        Assert.Equal(HttpStatusCode.OK, resubscribe.StatusCode);
        var back = await FindAsync(site, "Reader@example.org");
        Assert.Equal(SubscriberStatus.Active, back!.Status);
        Assert.Equal(NewsletterLanguages.Both, back.Languages);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Suppressions.CountAsync(Ct));
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Signup_answers_identically_for_new_pending_and_active_addresses(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        // Make one active subscriber.
        using (await PostFormAsync(site, "/en/subscribe", ("email", "known@example.org")))
        {
        }

        await site.MailSettledAsync();
        using (await PostFormAsync(site, Outbox.ConfirmPath(Outbox.Messages(site.Environment).Single())))
        {
        }

        async Task<(HttpStatusCode, string, string)> SignupAsync(string address)
        {
            using var response = await PostFormAsync(site, "/en/subscribe", ("email", address), ("languages", "en"));
            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
                .Where(h => h.Key is not "Date").OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            return (response.StatusCode, headers, await response.Content.ReadAsStringAsync(Ct));
        }

        var active = await SignupAsync("known@example.org");
        var unknown = await SignupAsync("stranger@example.org");
        var pending = await SignupAsync("stranger@example.org");
        Assert.Equal(unknown, active);
        Assert.Equal(unknown, pending);
        Assert.Equal(HttpStatusCode.OK, unknown.Item1);
    }

    [Fact]
    public async Task A_bad_address_is_refused_in_the_pages_language_and_changes_nothing()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var arabic = await PostFormAsync(site, "/ar/subscribe", ("email", "testing address@hotmail.com"));
        using var injected = await PostFormAsync(site, "/en/subscribe", ("email", "a@example.org\r\nBcc: victim@example.org"));
        using var empty = await PostFormAsync(site, "/en/subscribe");

        Assert.Equal(HttpStatusCode.BadRequest, arabic.StatusCode);
        var body = await arabic.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", body, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, injected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        await site.MailSettledAsync();
        Assert.Empty(Outbox.Messages(site.Environment));
        await using var scope = site.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Subscribers.CountAsync(Ct));
    }

    [Fact]
    public async Task The_honeypot_and_repeated_signups_send_at_most_one_mail_a_day()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using (var bot = await PostFormAsync(site, "/en/subscribe", ("email", "bot@example.org"), ("website", "http://spam.example")))
        {
            Assert.Equal(HttpStatusCode.OK, bot.StatusCode);
        }

        Assert.Null(await FindAsync(site, "bot@example.org"));
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostFormAsync(site, "/en/subscribe", ("email", "eager@example.org"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await site.MailSettledAsync();
        Assert.Single(Outbox.Messages(site.Environment));
    }

    [Fact]
    public async Task A_flood_from_one_client_is_cut_off_and_sends_few_mails()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await PostFormAsync(site, "/en/subscribe", ("email", $"flood{i}@example.org"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(Site.SubscriptionLimitsFacts.PerClientPerMinute, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(60 - Site.SubscriptionLimitsFacts.PerClientPerMinute, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await site.MailSettledAsync();
        Assert.Equal(Site.SubscriptionLimitsFacts.PerClientPerMinute, Outbox.Messages(site.Environment).Count);
    }

    [Theory]
    [InlineData("/confirm/not-a-token")]
    [InlineData("/unsubscribe/AAAA.BBBB")]
    [InlineData("/preferences/x")]
    public async Task A_broken_or_forged_link_says_so_and_offers_a_signup(string path)
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var (status, html) = await site.Client.FetchAsync(path, acceptLanguage: "ar");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("هذا الرابط لا يعمل", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/ar/subscribe\"", html, StringComparison.Ordinal);

        using var post = await PostFormAsync(site, path, ("List-Unsubscribe", "One-Click"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task The_unsubscribe_page_asks_first_and_preferences_change_the_language_only()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using (await PostFormAsync(site, "/en/subscribe", ("email", "prefs@example.org"), ("languages", "en")))
        {
        }

        await site.MailSettledAsync();
        using (await PostFormAsync(site, Outbox.ConfirmPath(Outbox.Messages(site.Environment).Single())))
        {
        }

        var subscriber = await FindAsync(site, "prefs@example.org");
        string manage;
        await using (var scope = site.Services.CreateAsyncScope())
        {
            manage = scope.ServiceProvider.GetRequiredService<SubscriptionService>().ManageToken(subscriber!.Id);
        }

        var (status, page) = await site.Client.FetchAsync($"/unsubscribe/{manage}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"action=\"/unsubscribe/{manage}\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/preferences/{manage}\"", page, StringComparison.Ordinal);
        Assert.Equal(SubscriberStatus.Active, (await FindAsync(site, "prefs@example.org"))!.Status);

        using var save = await PostFormAsync(site, $"/preferences/{manage}", ("languages", "ar"), ("subscribed", "on"));
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        var after = await FindAsync(site, "prefs@example.org");
        Assert.Equal(SubscriberStatus.Active, after!.Status);
        Assert.Equal(NewsletterLanguages.Arabic, after.Languages);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", await save.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var optOut = await PostFormAsync(site, $"/preferences/{manage}", ("languages", "ar"));
        Assert.Equal(SubscriberStatus.Unsubscribed, (await FindAsync(site, "prefs@example.org"))!.Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_database_holds_no_address_in_clear(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using (await PostFormAsync(site, "/en/subscribe", ("email", "secret.reader@example.org"), ("name", "Hidden Name")))
        {
        }

        string dump;
        if (provider == DatabaseProvider.Sqlite)
        {
            await using (var scope = site.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", Ct);
            }

            dump = string.Concat(Directory.GetFiles(site.Environment.DataDirectory, "broadsheet.db*")
                .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        }
        else
        {
            dump = await PostgresServer.DumpAsync(site.Environment.ConnectionString!);
        }

        Assert.Contains("subscribers", dump, StringComparison.Ordinal); // the dump is real
        Assert.DoesNotContain("secret.reader", dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Hidden Name", dump, StringComparison.Ordinal);
    }
}
