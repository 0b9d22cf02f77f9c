using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>The subscriber pages over real HTTP: counts, search through the blind index, a whole record, export, erasure, roles.</summary>
public sealed partial class SubscribersAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>A subscriber written straight into the database, as the importer or an old signup would have left it.</summary>
    private static async Task<long> SeedAsync(
        TestSite site, string email, SubscriberStatus status, NewsletterLanguages languages, string? name = null, DateTime? createdAt = null)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var address = EmailAddress.Parse(email).Value;
        var at = createdAt ?? DateTime.UtcNow;
        var subscriber = new Subscriber
        {
            EmailEncrypted = protector.Encrypt(address),
            EmailIndex = protector.BlindIndex(address),
            NameEncrypted = name is null ? null : protector.Encrypt(name),
            Status = status,
            Languages = languages,
            CreatedAt = at,
            UpdatedAt = at,
            ConfirmedAt = status == SubscriberStatus.Pending ? null : at,
        };
        db.Subscribers.Add(subscriber);
        await db.SaveChangesAsync(Ct);
        return subscriber.Id;
    }

    /// <summary>A reader signs up on the public site and confirms from the mail, as a real one would.</summary>
    private static async Task<long> SignUpAndConfirmAsync(TestSite site, string email)
    {
        using (var form = new FormUrlEncodedContent(Form(("email", email), ("languages", "en"), ("source", "/en/x"))))
        using (var signup = await site.Client.PostAsync(new Uri("/en/subscribe", UriKind.Relative), form, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, signup.StatusCode);
        }

        await site.MailSettledAsync();
        var mail = Outbox.Messages(site.Environment).Last(m => m.To.Mailboxes.Single().Address == EmailAddress.Parse(email).Value);
        using (var empty = new FormUrlEncodedContent([]))
        using (var confirmed = await site.Client.PostAsync(new Uri(Outbox.ConfirmPath(mail), UriKind.Relative), empty, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        return (await FindAsync(site, email))!.Id;
    }

    private static async Task<Subscriber?> FindAsync(TestSite site, string email)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<AddressProtector>().BlindIndex(EmailAddress.Parse(email).Value);
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.EmailIndex == index, Ct);
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync(Ct);

    private static int Count(string html, string key, string value) =>
        int.Parse(Regex.Match(html, $"<li data-{key}=\"{Regex.Escape(value)}\"><span class=\"figure\">(\\d+)</span>").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static List<long> ListedIds(string html) =>
        SubscriberRowPattern().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Editors_see_counts_by_status_and_language_and_the_latest_subscribers_decrypted(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var active = await SeedAsync(site, "amal@example.org", SubscriberStatus.Active, NewsletterLanguages.Arabic, "أمل");
        await SeedAsync(site, "ben@example.org", SubscriberStatus.Active, NewsletterLanguages.Both);
        await SeedAsync(site, "chen@example.org", SubscriberStatus.Pending, NewsletterLanguages.English);
        await SeedAsync(site, "dina@example.org", SubscriberStatus.Unsubscribed, NewsletterLanguages.English);
        var newest = await SeedAsync(site, "eli@example.org", SubscriberStatus.Bounced, NewsletterLanguages.Arabic);

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var response = await editor.GetAsync("/admin/subscribers");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await BodyAsync(response);
        Assert.Equal(2, Count(html, "status", "active"));
        Assert.Equal(1, Count(html, "status", "pending"));
        Assert.Equal(1, Count(html, "status", "unsubscribed"));
        Assert.Equal(1, Count(html, "status", "bounced"));
        Assert.Equal(0, Count(html, "status", "complained"));
        Assert.Equal(2, Count(html, "languages", "ar"));
        Assert.Equal(2, Count(html, "languages", "en"));
        Assert.Equal(1, Count(html, "languages", "ar,en"));

        // Newest first, addresses and names decrypted for the editor.
        var ids = ListedIds(html);
        Assert.Equal(5, ids.Count);
        Assert.Equal(newest, ids[0]);
        Assert.Equal(active, ids[^1]);
        Assert.Contains(">amal@example.org</a>", html, StringComparison.Ordinal);
        Assert.Contains("أمل", html, StringComparison.Ordinal);

        // Import stays on the command line, and the page gives the exact command.
        Assert.Contains("dotnet run --project src/Broadsheet.Web -- subscribers import FILE.csv --lang en", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/admin/subscribers/export\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_pages_by_fifty_and_the_arabic_page_is_in_arabic()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        for (var i = 0; i < 55; i++)
        {
            await SeedAsync(site, $"reader{i}@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        }

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        var first = await editor.GetStringAsync("/admin/subscribers");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", first, StringComparison.Ordinal);
        Assert.Contains("بحسب الحالة", first, StringComparison.Ordinal);
        Assert.Equal(50, ListedIds(first).Count);
        Assert.Contains("href=\"/admin/subscribers?page=2\"", first, StringComparison.Ordinal);
        var second = await editor.GetStringAsync("/admin/subscribers?page=2");
        Assert.Equal(5, ListedIds(second).Count);
        Assert.Empty(ListedIds(first).Intersect(ListedIds(second)));
        Assert.Equal(ListedIds(second), ListedIds(await editor.GetStringAsync("/admin/subscribers?page=99")));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_finds_exactly_one_by_the_exact_address_with_the_domain_in_any_case_and_nothing_by_a_part(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var reader = await SeedAsync(site, "Reader@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        await SeedAsync(site, "reader.two@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        await SeedAsync(site, "someone@example.org", SubscriberStatus.Pending, NewsletterLanguages.Arabic);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        using (var found = await editor.PostFormAsync("/admin/subscribers/search", Form(("email", "  Reader@EXAMPLE.Org "))))
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            var html = await BodyAsync(found);
            var result = SearchResult(html);
            Assert.Equal(new[] { reader }, ListedIds(result));
            Assert.Contains(">Reader@example.org</a>", result, StringComparison.Ordinal);
        }

        // A part of an address is not an address: refused before anything is looked up.
        foreach (var part in new[] { "example.org", "Reader", "@example.org", "Reader@" })
        {
            using var refused = await editor.PostFormAsync("/admin/subscribers/search", Form(("email", part)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var html = await BodyAsync(refused);
            Assert.Contains("only an exact address can be found", html, StringComparison.Ordinal);
            Assert.DoesNotContain("class=\"search-result\"", html, StringComparison.Ordinal);
        }

        // A whole address that differs in one letter finds nobody.
        using (var none = await editor.PostFormAsync("/admin/subscribers/search", Form(("email", "Reader@example.or"))))
        {
            Assert.Equal(HttpStatusCode.OK, none.StatusCode);
            var result = SearchResult(await BodyAsync(none));
            Assert.Empty(ListedIds(result));
            Assert.Contains("No subscriber has that address.", result, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_detail_page_shows_everything_held_with_the_consent_history_and_the_mail_received(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var id = await SignUpAndConfirmAsync(site, "reader@example.org");
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        using var response = await editor.GetAsync($"/admin/subscribers/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await BodyAsync(response);
        Assert.Contains("<title>reader@example.org · Admin</title>", html, StringComparison.Ordinal);
        Assert.Contains("<dd data-status=\"active\">Active</dd>", html, StringComparison.Ordinal);
        var actions = Regex.Matches(html, "<tr data-action=\"([a-z]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["signup", "confirm"], actions);
        Assert.Contains("/en/x", html, StringComparison.Ordinal); // where the signup came from
        var delivery = Assert.Single(Regex.Matches(html, "<tr data-send=\"\\d+\" data-state=\"([a-z]+)\">"));
        Assert.Equal("sent", delivery.Groups[1].Value);
        Assert.Contains("Confirmation", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/subscribers/" + id + "/erase\"", html, StringComparison.Ordinal);

        using var missing = await editor.GetAsync("/admin/subscribers/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_imported_readers_history_starts_with_the_imports_consent_record(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var csv = Path.Combine(site.Environment.DataDirectory, "spring list.csv");
        await File.WriteAllTextAsync(csv, "email,language\nimported@example.org,ar\n", Ct);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var importer = ActivatorUtilities.CreateInstance<SubscriberImporter>(scope.ServiceProvider);
            Assert.Equal(1, (await importer.ImportAsync(SubscriberImporter.Inspect(csv), NewsletterLanguages.English, progress: null, Ct)).Imported);
        }

        var id = (await FindAsync(site, "imported@example.org"))!.Id;
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        using var response = await editor.GetAsync($"/admin/subscribers/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await BodyAsync(response);
        var row = Assert.Single(Regex.Matches(html, "<tr data-action=\"([a-z]+)\">(.*?)</tr>", RegexOptions.Singleline));
        Assert.Equal("signup", row.Groups[1].Value);
        Assert.Contains("<td dir=\"ltr\">cli-import:spring list.csv</td>", row.Groups[2].Value, StringComparison.Ordinal);
        Assert.Contains("<td>en</td>", row.Groups[2].Value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Export_downloads_the_cli_csv_with_cells_a_spreadsheet_would_run_neutralised(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        await SeedAsync(site, "plain@example.org", SubscriberStatus.Active, NewsletterLanguages.English, "Plain Reader");
        await SeedAsync(site, "formula@example.org", SubscriberStatus.Pending, NewsletterLanguages.Both, "=HYPERLINK(\"https://evil.example\",\"x\")");
        await SeedAsync(site, "arabic@example.org", SubscriberStatus.Active, NewsletterLanguages.Arabic, "+سلمى");
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        using var response = await editor.PostFormAsync("/admin/subscribers/export", []);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^subscribers-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(SubscriberExporter.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("plain@example.org,Plain Reader,en,active,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("""formula@example.org,"'=HYPERLINK(""https://evil.example"",""x"")","ar,en",pending,""", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("arabic@example.org,'+سلمى,ar,active,", lines[3], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Erase_asks_first_then_erases_and_the_address_stays_suppressed(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var id = await SignUpAndConfirmAsync(site, "leaving@example.org");
        var other = await SeedAsync(site, "staying@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        // The GET only asks.
        using (var ask = await editor.GetAsync($"/admin/subscribers/{id}/erase"))
        {
            Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
            var html = await BodyAsync(ask);
            Assert.Contains("Erase leaving@example.org and their consent history?", html, StringComparison.Ordinal);
            Assert.Contains($"action=\"/admin/subscribers/{id}/erase\"", html, StringComparison.Ordinal);
        }

        Assert.NotNull(await FindAsync(site, "leaving@example.org"));

        using (var erase = await editor.PostFormAsync($"/admin/subscribers/{id}/erase", [], tokenFrom: $"/admin/subscribers/{id}/erase"))
        {
            Assert.Equal(HttpStatusCode.Redirect, erase.StatusCode);
            Assert.Equal("/admin/subscribers?notice=erased", erase.Headers.Location?.OriginalString);
        }

        Assert.Null(await FindAsync(site, "leaving@example.org"));
        Assert.NotNull(await FindAsync(site, "staying@example.org"));
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var hash = scope.ServiceProvider.GetRequiredService<AddressProtector>().SuppressionHash("leaving@example.org");
            var suppression = await db.Suppressions.AsNoTracking().SingleAsync(s => s.AddressHash == hash, Ct);
            Assert.Equal(SuppressionReason.Erased, suppression.Reason);
            Assert.False(await db.Consents.AnyAsync(c => c.SubscriberId == id, Ct));
            Assert.Equal(new[] { other }, await db.Subscribers.Select(s => s.Id).ToListAsync(Ct));
        }

        Assert.Contains("The subscriber was erased.", await editor.GetStringAsync("/admin/subscribers?notice=erased"), StringComparison.Ordinal);
        using (var search = await editor.PostFormAsync("/admin/subscribers/search", Form(("email", "leaving@example.org"))))
        {
            Assert.Contains("it is on the suppression list (erased on request", SearchResult(await BodyAsync(search)), StringComparison.Ordinal);
        }

        using (var again = await editor.PostFormAsync($"/admin/subscribers/{id}/erase", []))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        // Adding the address back from a list is refused: the importer skips it as suppressed.
        var csv = Path.Combine(site.Environment.DataDirectory, "readd.csv");
        await File.WriteAllTextAsync(csv, "email\nleaving@example.org\n", Ct);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var importer = ActivatorUtilities.CreateInstance<SubscriberImporter>(scope.ServiceProvider);
            var result = await importer.ImportAsync(SubscriberImporter.Inspect(csv), NewsletterLanguages.English, cancellationToken: Ct);
            Assert.Equal(1, result.Suppressed);
            Assert.Equal(0, result.Imported);
        }

        Assert.Null(await FindAsync(site, "leaving@example.org"));
    }

    public static TheoryData<StaffRole> Refused => new() { StaffRole.Author, StaffRole.Contributor };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Authors_and_contributors_get_403_on_every_subscriber_page_and_action_and_change_nothing(StaffRole role)
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var id = await SeedAsync(site, "reader@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        using var member = await AdminClient.SignInAsync(site, role);

        foreach (var path in new[] { "/admin/subscribers", "/admin/subscribers?page=2", $"/admin/subscribers/{id}", $"/admin/subscribers/{id}/erase" })
        {
            using var response = await member.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {path} as {role} answered {(int)response.StatusCode}.");
            Assert.DoesNotContain("reader@example.org", await BodyAsync(response), StringComparison.Ordinal);
        }

        foreach (var (path, fields) in new[]
        {
            ("/admin/subscribers/search", Form(("email", "reader@example.org"))),
            ("/admin/subscribers/export", Form()),
            ($"/admin/subscribers/{id}/erase", Form()),
        })
        {
            using var response = await member.PostFormAsync(path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"POST {path} as {role} answered {(int)response.StatusCode}.");
            Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("reader@example.org", await BodyAsync(response), StringComparison.Ordinal);
        }

        Assert.NotNull(await FindAsync(site, "reader@example.org"));

        // The navigation does not offer what the role cannot open.
        Assert.DoesNotContain("href=\"/admin/subscribers\"", await member.GetStringAsync("/admin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_form_token_or_signed_out_nothing_is_searched_exported_or_erased()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var id = await SeedAsync(site, "reader@example.org", SubscriberStatus.Active, NewsletterLanguages.English);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        foreach (var path in new[] { "/admin/subscribers/search", "/admin/subscribers/export", $"/admin/subscribers/{id}/erase" })
        {
            using var response = await editor.PostFormAsync(path, Form(("email", "reader@example.org")), withToken: false);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("reader@example.org", await BodyAsync(response), StringComparison.Ordinal);
        }

        using var anonymous = AdminClient.Anonymous(site);
        using (var page = await anonymous.GetAsync("/admin/subscribers"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/admin/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using (var erase = await anonymous.PostFormAsync($"/admin/subscribers/{id}/erase", []))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, erase.StatusCode);
        }

        Assert.NotNull(await FindAsync(site, "reader@example.org"));
    }

    /// <summary>The search's answer box alone, so the list of latest subscribers below it does not count.</summary>
    private static string SearchResult(string html)
    {
        var match = Regex.Match(html, "<div class=\"search-result\" role=\"status\">(.*?)</div>", RegexOptions.Singleline);
        Assert.True(match.Success, "The page answers the search.");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("<tr data-subscriber=\"(\\d+)\">")]
    private static partial Regex SubscriberRowPattern();
}
