using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Admin;

/// <summary>The outbox viewer over real HTTP: a real signup's confirmation mail, shown safely; names that are not the transport's; SMTP; roles.</summary>
public sealed partial class OutboxAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SignUpAsync(TestSite site, string email, string language = "en")
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["languages"] = language, ["source"] = $"/{language}/x" });
        using var response = await site.Client.PostAsync(new Uri($"/{language}/subscribe", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await site.MailSettledAsync();
    }

    private static string OnlyMessageName(TestSite site) =>
        Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(site.Environment.DataDirectory, "outbox"), "*.eml")));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_signup_on_the_site_shows_its_confirmation_mail_in_the_outbox_as_the_reader_would_see_it(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        Assert.Contains("No message yet.", await editor.GetStringAsync("/admin/outbox"), StringComparison.Ordinal);

        await SignUpAsync(site, "reader@example.org");
        var name = OnlyMessageName(site);
        var mail = Assert.Single(Outbox.Messages(site.Environment));

        using (var list = await editor.GetAsync("/admin/outbox"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal("DENY", list.Headers.GetValues("X-Frame-Options").Single());
            var html = await list.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Messages: 1, newest first.", html, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"/admin/outbox/{name}\">{WebUtility.HtmlEncode(mail.Subject)}</a>", html, StringComparison.Ordinal);
            Assert.Contains("reader@example.org", html, StringComparison.Ordinal);
        }

        string page;
        using (var view = await editor.GetAsync($"/admin/outbox/{name}"))
        {
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            page = await view.Content.ReadAsStringAsync(Ct);
        }

        // The HTML in a sandboxed frame, the text in a <pre>, the headers behind a <details>.
        Assert.Matches($"<iframe class=\"mail-frame\" sandbox src=\"/admin/outbox/{name}/html\"", page);
        var text = Regex.Match(page, "<pre class=\"mail-text\" dir=\"auto\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(text.Success);
        Assert.Contains(Outbox.ConfirmPath(mail), WebUtility.HtmlDecode(text.Groups[1].Value), StringComparison.Ordinal);
        var headers = Regex.Match(page, "<details class=\"mail-headers\">(.*?)</details>", RegexOptions.Singleline);
        Assert.True(headers.Success);
        Assert.Contains(">Return-Path</th>", headers.Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains(">Message-Id</th>", headers.Groups[1].Value, StringComparison.OrdinalIgnoreCase);

        using (var html = await editor.GetAsync($"/admin/outbox/{name}/html"))
        {
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
            var policy = html.Headers.GetValues("Content-Security-Policy").Single();
            Assert.StartsWith("sandbox; default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'", policy, StringComparison.Ordinal);
            Assert.Equal("SAMEORIGIN", html.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-store", html.Headers.CacheControl?.ToString());
            var body = await html.Content.ReadAsStringAsync(Ct);
            Assert.Equal(mail.HtmlBody, body);
            Assert.Contains(Outbox.ConfirmPath(mail), body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Only_names_the_transport_writes_are_served_and_traversal_finds_nothing()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await SignUpAsync(site, "reader@example.org");
        var name = OnlyMessageName(site);
        Assert.True(File.Exists(Path.Combine(site.Environment.DataDirectory, "privacy.key")));
        // A file with a transport-like name one folder up: reachable only by traversal.
        File.Copy(Path.Combine(site.Environment.DataDirectory, "outbox", name), Path.Combine(site.Environment.DataDirectory, name));
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        foreach (var bad in new[]
        {
            "..%2Fprivacy.key", "..%2F..%2F..%2Fetc%2Fpasswd", "%2E%2E%2F" + name, "..%2F" + name, "..%5C" + name, "outbox%2F" + name,
            name.ToUpperInvariant(), name.Replace(".eml", ".txt", StringComparison.Ordinal), "." + name + ".tmp", "20261120T090000000-" + new string('a', 32) + ".eml",
        })
        {
            foreach (var path in new[] { $"/admin/outbox/{bad}", $"/admin/outbox/{bad}/html" })
            {
                using var response = await editor.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET {path} answered {(int)response.StatusCode}.");
                var body = await response.Content.ReadAsStringAsync(Ct);
                Assert.DoesNotContain("/confirm/", body, StringComparison.Ordinal);
            }
        }

        using var good = await editor.GetAsync($"/admin/outbox/{name}");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task The_folder_is_listed_newest_first_fifty_to_a_page()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var folder = Path.Combine(site.Environment.DataDirectory, "outbox");
        Directory.CreateDirectory(folder);
        var start = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 120; i++)
        {
            var at = start.AddMinutes(i);
            var file = Path.Combine(folder, $"{at:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml");
            await File.WriteAllTextAsync(file, $"Date: {at:R}\r\nTo: reader{i}@example.org\r\nSubject: Message {i:000}\r\n\r\nBody {i}\r\n", Ct);
        }

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        static IReadOnlyList<string> Subjects(string html) => Regex.Matches(html, ">(Message \\d{3})</a>").Select(m => m.Groups[1].Value).ToList();

        var first = await editor.GetStringAsync("/admin/outbox");
        Assert.Contains("Messages: 120, newest first.", first, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(70, 50).Reverse().Select(i => $"Message {i:000}"), Subjects(first));
        Assert.Contains("reader119@example.org", first, StringComparison.Ordinal);
        Assert.Contains("2026-11-01 09:59:00 UTC", first, StringComparison.Ordinal);
        var third = await editor.GetStringAsync("/admin/outbox?page=3");
        Assert.Equal(Enumerable.Range(0, 20).Reverse().Select(i => $"Message {i:000}"), Subjects(third));
        Assert.Contains("href=\"/admin/outbox?page=2\"", third, StringComparison.Ordinal);
        Assert.Equal(Subjects(third), Subjects(await editor.GetStringAsync("/admin/outbox?page=40")));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task With_an_smtp_relay_the_outbox_shows_the_sends_and_their_deliveries_by_state(DatabaseProvider provider)
    {
        await using var server = SmtpTestServer.Start();
        var environment = await TestEnvironment.CreateAsync(provider);
        var settings = new Dictionary<string, string?>
        {
            ["Broadsheet:Mail:Transport"] = "Smtp",
            ["Broadsheet:Mail:Smtp:Host"] = server.Host,
            ["Broadsheet:Mail:Smtp:Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["Broadsheet:Mail:Smtp:Security"] = "None",
        };
        await using var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: true, settings);
        await SignUpAsync(site, "one@example.org");
        await SignUpAsync(site, "two@example.org", "ar");
        await server.WaitForAsync(2, TimeSpan.FromSeconds(20), Ct);
        await site.MailSettledAsync();

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var html = await editor.GetStringAsync("/admin/outbox");
        Assert.Contains($"Mail goes to the SMTP relay {server.Host}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("mail-frame", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "<td>Confirmation</td>"));
        Assert.Equal(2, Regex.Count(html, "<li data-state=\"sent\">sent: 1</li>"));
        Assert.Equal(2, Regex.Count(html, "<td>Finished</td>|<td>Sending</td>"));
        Assert.False(Directory.Exists(Path.Combine(site.Environment.DataDirectory, "outbox")));
    }

    public static TheoryData<StaffRole> Refused => new() { StaffRole.Author, StaffRole.Contributor };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Authors_and_contributors_get_403_on_every_outbox_page(StaffRole role)
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await SignUpAsync(site, "reader@example.org");
        var name = OnlyMessageName(site);
        using var member = await AdminClient.SignInAsync(site, role);

        foreach (var path in new[] { "/admin/outbox", "/admin/outbox?page=2", $"/admin/outbox/{name}", $"/admin/outbox/{name}/html" })
        {
            using var response = await member.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {path} as {role} answered {(int)response.StatusCode}.");
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("reader@example.org", body, StringComparison.Ordinal);
            Assert.DoesNotContain("/confirm/", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("href=\"/admin/outbox\"", await member.GetStringAsync("/admin"), StringComparison.Ordinal);

        using var anonymous = AdminClient.Anonymous(site);
        using var signedOut = await anonymous.GetAsync($"/admin/outbox/{name}/html");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
    }

    [Fact]
    public async Task Arabic_names_are_shown_decoded_and_without_quotes()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var folder = Path.Combine(site.Environment.DataDirectory, "outbox");
        Directory.CreateDirectory(folder);
        using var message = new MimeKit.MimeMessage();
        message.From.Add(new MimeKit.MailboxAddress("نشرة الدفتر", "newsletter@ledger.example"));
        message.To.Add(new MimeKit.MailboxAddress("سلمى", "salma@example.org"));
        message.To.Add(new MimeKit.MailboxAddress("", "desk@example.org"));
        message.Subject = "آخر التحديثات";
        message.Date = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        message.Body = new MimeKit.TextPart("plain") { Text = "نص" };
        var name = "20261101T080000000-" + Guid.NewGuid().ToString("N") + ".eml";
        await message.WriteToAsync(Path.Combine(folder, name), Ct);
        // On disk the names are RFC 2047 words, as every client gets them.
        Assert.DoesNotContain("سلمى", await File.ReadAllTextAsync(Path.Combine(folder, name), Ct), StringComparison.Ordinal);

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var list = await editor.GetStringAsync("/admin/outbox");
        var page = await editor.GetStringAsync($"/admin/outbox/{name}");
        foreach (var html in new[] { list, page })
        {
            Assert.Contains("سلمى &lt;salma@example.org&gt;, desk@example.org", html, StringComparison.Ordinal);
            Assert.DoesNotContain("&quot;سلمى&quot;", html, StringComparison.Ordinal);
        }

        Assert.Contains("نشرة الدفتر &lt;newsletter@ledger.example&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrators_and_the_owner_see_the_outbox_in_their_language()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await SignUpAsync(site, "reader@example.org", "ar");
        var name = OnlyMessageName(site);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner, language: "ar");
        using var administrator = await AdminClient.SignInAsync(site, StaffRole.Administrator);

        var arabic = await owner.GetStringAsync($"/admin/outbox/{name}");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabic, StringComparison.Ordinal);
        Assert.Contains("كما يراها المستلم", arabic, StringComparison.Ordinal);
        Assert.Contains("أكّد اشتراكك", arabic, StringComparison.Ordinal); // the mail's own Arabic subject

        using var english = await administrator.GetAsync("/admin/outbox");
        Assert.Equal(HttpStatusCode.OK, english.StatusCode);
        Assert.Contains("As the recipient sees it", await administrator.GetStringAsync($"/admin/outbox/{name}"), StringComparison.Ordinal);
    }
}
