using System.Net;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Settings;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broadsheet.Tests.Admin;

/// <summary>The settings page through the real host: saved settings take effect at once, survive a restart, and bad ones change nothing.</summary>
public sealed class AdminSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Saved_settings_apply_at_once_and_after_a_restart(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        await using (var site = await TestSite.StartAsync(environment, demoContent: true, services: null, ownsEnvironment: false))
        {
            using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
            using var anonymous = AdminClient.Anonymous(site);
            Assert.DoesNotContain("River Towns Ledger", await anonymous.GetStringAsync("/en/"), StringComparison.Ordinal);
            using var saved = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
            {
                [SettingsService.PublicationNameEnglish] = "River Towns Ledger",
                [SettingsService.PublicationNameArabic] = "دفتر مدن النهر",
                [SettingsService.SiteUrl] = "https://ledger.example/",
                [SettingsService.TimeZone] = "Asia/Beirut",
                [SettingsService.MailFrom] = "\"The Ledger\" <newsletter@ledger.example>",
                [SettingsService.TrackClicks] = "true",
            });
            Assert.Equal("/admin/settings?notice=saved", saved.Headers.Location!.OriginalString);

            var options = site.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
            Assert.Equal("https://ledger.example", options.SiteUrl);
            Assert.Equal("Asia/Beirut", options.TimeZone);
            Assert.True(options.Tracking.Clicks);
            Assert.False(options.Tracking.Opens);

            // The front pages were cached with the old name; the save dropped them.
            Assert.Contains("River Towns Ledger", await anonymous.GetStringAsync("/en/"), StringComparison.Ordinal);
            Assert.Contains("دفتر مدن النهر", await anonymous.GetStringAsync("/ar/"), StringComparison.Ordinal);
        }

        await using var restarted = await TestSite.StartAsync(environment, demoContent: true, services: null, ownsEnvironment: false);
        var after = restarted.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
        Assert.Equal("https://ledger.example", after.SiteUrl);
        Assert.Equal("River Towns Ledger", after.PublicationNameIn("en"));
        Assert.Equal("\"The Ledger\" <newsletter@ledger.example>", after.Mail.From);
    }

    [Fact]
    public async Task Bad_settings_are_refused_together_with_reasons_and_nothing_is_saved()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var refused = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
        {
            [SettingsService.PublicationNameEnglish] = "Fine name",
            [SettingsService.SiteUrl] = "javascript:alert(1)",
            [SettingsService.TimeZone] = "Mars/Olympus",
            [SettingsService.MailFrom] = "not an address",
            [SettingsService.Transport] = "Smtp",
            [SettingsService.SmtpPort] = "99999",
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Contains("full http:// or https:// address", html, StringComparison.Ordinal);
        Assert.Contains("Unknown time zone", html, StringComparison.Ordinal);
        Assert.Contains("newsletter@example.org", html, StringComparison.Ordinal);
        Assert.Contains("from 1 to 65535", html, StringComparison.Ordinal);
        Assert.Contains("give the relay", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Mars/Olympus\"", html, StringComparison.Ordinal);

        await using var scope = site.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Settings.CountAsync(Ct));
        var options = site.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
        Assert.NotEqual("Fine name", options.PublicationNameIn("en"));
        Assert.Equal(MailTransportKind.Outbox, options.Mail.Transport);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_smtp_password_is_kept_encrypted_never_shown_and_used_by_the_relay(DatabaseProvider provider)
    {
        await using var smtp = SmtpTestServer.Start(new SmtpTestServerOptions { Username = "relay-user", Password = "relay secret 42" });
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var saved = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
        {
            [SettingsService.Transport] = "Smtp",
            [SettingsService.SmtpHost] = "127.0.0.1",
            [SettingsService.SmtpPort] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [SettingsService.SmtpSecurity] = "None",
            [SettingsService.SmtpUsername] = "relay-user",
            [SettingsService.SmtpPassword] = "relay secret 42",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var page = await owner.GetStringAsync("/admin/settings");
        Assert.DoesNotContain("relay secret 42", page, StringComparison.Ordinal);
        Assert.Contains("A password is set", page, StringComparison.Ordinal);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Settings.SingleAsync(s => s.Key == SettingsService.SmtpPassword, Ct);
            Assert.DoesNotContain("relay secret", stored.Value, StringComparison.Ordinal);
        }

        // The test button goes through the new relay, with the saved password, to the signed-in administrator.
        using var test = await owner.PostFormAsync("/admin/settings/test", []);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        Assert.Contains("The test message was accepted", await test.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var received = Assert.Single(smtp.Messages);
        Assert.Equal("relay-user", received.AuthenticatedUser);
        Assert.Equal(owner.Member!.Email, Assert.Single(received.Recipients));

        // Saving again with the password field empty keeps it.
        using var again = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string> { [SettingsService.SmtpConnections] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("relay secret 42", site.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value.Mail.Smtp.Password);
    }

    [Fact]
    public async Task A_failing_relay_says_why_on_the_test_button()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var saved = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
        {
            [SettingsService.Transport] = "Smtp", [SettingsService.SmtpHost] = "127.0.0.1", [SettingsService.SmtpPort] = "9", [SettingsService.SmtpSecurity] = "None",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        using var test = await owner.PostFormAsync("/admin/settings/test", []);
        Assert.Equal(HttpStatusCode.BadGateway, test.StatusCode);
        Assert.Contains("The test message was not sent", await test.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dkim_key_made_in_the_admin_shows_its_record_and_signs_once_saved()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);

        // Saving a domain and selector without a key is refused: signing would fail at every send.
        using var early = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
        {
            [SettingsService.DkimDomain] = "ledger.example", [SettingsService.DkimSelector] = "news1",
        });
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Contains("no key for this domain and selector", await early.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var made = await owner.PostFormAsync("/admin/settings/dkim", new Dictionary<string, string>
        {
            [SettingsService.DkimDomain] = "ledger.example", [SettingsService.DkimSelector] = "news1",
        });
        var page = await made.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        Assert.Contains("news1._domainkey.ledger.example", page, StringComparison.Ordinal);
        Assert.Contains("v=DKIM1; k=rsa; p=", page, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(site.Environment.DataDirectory, "dkim", "ledger.example.news1.pem"))
            || Directory.EnumerateFiles(Path.Combine(site.Environment.DataDirectory, "dkim")).Any());

        using var again = await owner.PostFormAsync("/admin/settings/dkim", new Dictionary<string, string>
        {
            [SettingsService.DkimDomain] = "ledger.example", [SettingsService.DkimSelector] = "news1",
        });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        using var saved = await owner.PostFormAsync("/admin/settings", new Dictionary<string, string>
        {
            [SettingsService.DkimDomain] = "ledger.example", [SettingsService.DkimSelector] = "news1",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var signer = site.Services.GetRequiredService<DkimMessageSigner>();
        Assert.True(signer.Enabled);
        Assert.Equal("news1", signer.Identity!.Selector);
        using var test = await owner.PostFormAsync("/admin/settings/test", []);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var mail = Outbox.Messages(site.Environment)[^1];
        Assert.Contains(mail.Headers, h => h.Id == MimeKit.HeaderId.DkimSignature && h.Value.Contains("s=news1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Settings_are_forbidden_below_administrator()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var _ = await AdminClient.SignInAsync(site, StaffRole.Owner);
        foreach (var role in new[] { StaffRole.Contributor, StaffRole.Author, StaffRole.Editor })
        {
            using var client = await AdminClient.SignInAsync(site, role);
            using var page = await client.GetAsync("/admin/settings");
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            using var save = await client.PostFormAsync("/admin/settings", new Dictionary<string, string> { [SettingsService.SiteUrl] = "https://evil.example" });
            Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
            using var dkim = await client.PostFormAsync("/admin/settings/dkim", new Dictionary<string, string> { [SettingsService.DkimDomain] = "evil.example", [SettingsService.DkimSelector] = "x" });
            Assert.Equal(HttpStatusCode.Forbidden, dkim.StatusCode);
            using var test = await client.PostFormAsync("/admin/settings/test", []);
            Assert.Equal(HttpStatusCode.Forbidden, test.StatusCode);
        }

        Assert.NotEqual("https://evil.example", site.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value.SiteUrl);
        Assert.False(Directory.Exists(Path.Combine(site.Environment.DataDirectory, "dkim")));
    }
}
