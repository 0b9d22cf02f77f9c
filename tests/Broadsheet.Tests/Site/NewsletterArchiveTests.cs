using System.Net;
using Broadsheet.Newsletter;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Site;

/// <summary>The public archive: only editions that went out, in their language, each with a web version that names no reader.</summary>
public sealed class NewsletterArchiveTests
{
    [Fact]
    public async Task The_archive_lists_only_editions_that_went_out_and_their_web_versions_carry_no_personal_link()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);

        var (emptyStatus, empty) = await site.Client.FetchAsync("/ar/newsletter");
        Assert.Equal(HttpStatusCode.OK, emptyStatus);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", empty, StringComparison.Ordinal);
        Assert.Contains("لم يصدر أي عدد بعد", empty, StringComparison.Ordinal);
        Assert.Contains("action=\"/ar/subscribe\"", empty, StringComparison.Ordinal);

        var sent = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent, reportTitle: "Ledger of the flood", periodKey: "2025-11-B");
        var draft = await Editions.CreateAsync(site.Services, "en", EditionStatus.Draft, reportTitle: "Not out yet", periodKey: "2025-12-A");
        var special = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent, reportTitle: "Breaking", newsletter: Edition.Special, periodKey: "2025-11-20-1");
        await using (var scope = site.Services.CreateAsyncScope())
        {
            // The test wrote straight into the database: drop what the site cached.
            foreach (var listener in scope.ServiceProvider.GetServices<Broadsheet.Publishing.IContentChangeListener>())
            {
                await listener.ContentChangedAsync(TestContext.Current.CancellationToken);
            }
        }

        var (status, archive) = await site.Client.FetchAsync("/en/newsletter");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"/en/newsletter/2025-11-B\"", archive, StringComparison.Ordinal);
        Assert.Contains("href=\"/en/newsletter/2025-11-20-1\"", archive, StringComparison.Ordinal);
        Assert.Contains("special edition", archive, StringComparison.Ordinal);
        Assert.DoesNotContain("2025-12-A", archive, StringComparison.Ordinal);

        var (webStatus, web) = await site.Client.FetchAsync("/en/newsletter/2025-11-B");
        Assert.Equal(HttpStatusCode.OK, webStatus);
        Assert.Contains(sent.Report.Title, web, StringComparison.Ordinal);
        Assert.DoesNotContain("/unsubscribe/", web, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", web, StringComparison.Ordinal);
        Assert.Contains(special.Report.Title, (await site.Client.FetchAsync("/en/newsletter/2025-11-20-1")).Body, StringComparison.Ordinal);

        // Not out yet, in another language, unknown or malformed: not found.
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/newsletter/2025-12-A")).Status);
        Assert.DoesNotContain(draft.Report.Title, (await site.Client.FetchAsync("/en/newsletter/2025-12-A")).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/ar/newsletter/2025-11-B")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/newsletter/2031-01-A")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/newsletter/..%2F..%2Fetc")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/newsletter?page=99")).Status);
    }
}
