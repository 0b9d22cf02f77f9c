using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Privacy;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// The newsletter console over real HTTP, with the site's clock held by the test: the next edition per language (or
/// when it comes), an edition's preview, its posts, subject and intro, test, approve, hold and send now through the
/// forms, refusals in the admin's language, the progress as JSON, special editions, roles; and in a browser, the
/// numbers of a send changing without a reload.
/// </summary>
public sealed partial class NewsletterAdminTests
{
    /// <summary>20 November 2026: the next send time (1 December, 09:00 in Asia/Damascus) is more than a day away.</summary>
    private static readonly DateTimeOffset Early = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>30 November 2026, 10:00 UTC: 20 hours before the send time of 2026-12-A, so its editions are prepared.</summary>
    private static readonly DateTimeOffset DayBefore = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>The real host, whose clock (every service's, the digest's included) the test holds.</summary>
    private static async Task<TestSite> StartAsync(DatabaseProvider provider, DateTimeOffset now) =>
        await TestSite.StartAsync(await TestEnvironment.CreateAsync(provider), demoContent: false, s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(now)), ownsEnvironment: true);

    private static FakeTimeProvider Clock(TestSite site) => (FakeTimeProvider)site.Services.GetRequiredService<TimeProvider>();

    private static async Task<Post> PostAsync(TestSite site, string title, PostKind kind, string language = "en", int priority = 0, int? translationOf = null,
        PostStatus status = PostStatus.Published)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = kind, Language = language, Title = title, Lede = $"The lede of {title}.", BodyMarkdown = "Body.", Status = status,
            Priority = priority, TranslationOf = translationOf,
        }, Ct);
    }

    /// <summary>One pass of the digest's clock, at the site's time, as the scheduler would run it.</summary>
    private static async Task<DigestPass> PassAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EditionService>().RunDueAsync(Ct);
    }

    private static async Task<T> InDbAsync<T>(TestSite site, Func<BroadsheetDb, Task<T>> read)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<BroadsheetDb>());
    }

    private static Task<Edition> EditionAsync(TestSite site, long id) => InDbAsync(site, db => db.Editions.AsNoTracking().SingleAsync(e => e.Id == id, Ct));

    private static Task<Edition> DigestAsync(TestSite site, string language, string period = "2026-12-A") =>
        InDbAsync(site, db => db.Editions.AsNoTracking().SingleAsync(e => e.Newsletter == Edition.Digest && e.Language == language && e.PeriodKey == period, Ct));

    private static Task<List<int>> ItemsAsync(TestSite site, long id) =>
        InDbAsync(site, db => db.EditionItems.AsNoTracking().Where(i => i.EditionId == id).OrderBy(i => i.Position).Select(i => i.PostId).ToListAsync(Ct));

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync(Ct);

    /// <summary>
    /// A page's text as a reader sees it: Razor writes an apostrophe as <c>&amp;#x27;</c>, and times and period keys in
    /// Arabic sentences are wrapped in invisible left-to-right isolates (U+2066 … U+2069).
    /// </summary>
    private static string Plain(string html) => WebUtility.HtmlDecode(html).Replace("\u2066", "", StringComparison.Ordinal).Replace("\u2069", "", StringComparison.Ordinal);

    private static async Task<string> PageAsync(AdminClient client, string path) => Plain(await client.GetStringAsync(path));

    private static string Location(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>The contents of one language's "next edition" section on the console.</summary>
    private static string NextSection(string html, string language)
    {
        var match = Regex.Match(html, $"<section class=\"next-edition\" data-language=\"{language}\".*?</section>", RegexOptions.Singleline);
        Assert.True(match.Success, $"The console has a section for {language}.");
        return match.Value;
    }

    /// <summary>Active subscribers written straight into the database, as an import would leave them.</summary>
    private static async Task<List<long>> SubscribersAsync(TestSite site, int count, NewsletterLanguages languages)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var made = Enumerable.Range(0, count).Select(_ =>
        {
            var address = $"reader-{Guid.NewGuid():N}@example.org";
            return new Subscriber
            {
                EmailEncrypted = protector.Encrypt(address), EmailIndex = protector.BlindIndex(address), Status = SubscriberStatus.Active,
                Languages = languages, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, ConfirmedAt = DateTime.UtcNow,
            };
        }).ToList();
        db.Subscribers.AddRange(made);
        await db.SaveChangesAsync(Ct);
        return made.Select(s => s.Id).ToList();
    }

    /// <summary>
    /// Puts <paramref name="edition"/> in the middle of its send: a send with one delivery per state given, none of them
    /// due for a worker (so only the test moves them), and the edition marked as sending.
    /// </summary>
    private static async Task<(long SendId, List<long> Deliveries)> SendingAsync(TestSite site, Edition edition, params DeliveryState[] states)
    {
        var subscribers = await SubscribersAsync(site, states.Length, NewsletterLanguagesExtensions.Of(edition.Language));
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        // One transaction: a sending send with no deliveries yet is a finished one to the host's dispatcher.
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        var send = new Send
        {
            Kind = SendKind.Edition, Status = SendStatus.Sending, Language = edition.Language, Subject = "An edition", HtmlBody = "<p>x</p>", TextBody = "x",
            Recipients = states.Length, MaterialisedUpTo = subscribers.Max(), CreatedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow,
        };
        db.Sends.Add(send);
        await db.SaveChangesAsync(Ct);
        var later = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var deliveries = states.Select((state, i) => new DeliveryRecord { SendId = send.Id, SubscriberId = subscribers[i], State = state, NextAttemptAt = later }).ToList();
        db.Deliveries.AddRange(deliveries);
        await db.SaveChangesAsync(Ct);
        await db.Editions.Where(e => e.Id == edition.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Sending).SetProperty(e => e.SendId, send.Id), Ct);
        await transaction.CommitAsync(Ct);
        return (send.Id, deliveries.Select(d => d.Id).ToList());
    }

    private static async Task SetStateAsync(TestSite site, IEnumerable<long> deliveries, DeliveryState state)
    {
        var ids = deliveries.ToList();
        await InDbAsync(site, db => db.Deliveries.Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(u => u.SetProperty(d => d.State, state), Ct));
    }

    // ---- The console ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task With_no_edition_yet_the_console_says_when_the_next_comes_in_each_language_and_that_nothing_went_out()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite, Early);

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var response = await editor.GetAsync("/admin/newsletter");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = Plain(await BodyAsync(response));
        foreach (var language in new[] { "en", "ar" })
        {
            var section = NextSection(html, language);
            Assert.Contains("data-next-send=\"2026-12-A\"", section, StringComparison.Ordinal);
            // 09:00 in the publication's zone on the 1st, prepared a day ahead.
            Assert.Contains("The next send time is 2026-12-01 09:00 (period 2026-12-A); its edition is prepared from 2026-11-30 09:00", section, StringComparison.Ordinal);
        }

        Assert.Contains("Nothing is sending now.", html, StringComparison.Ordinal);
        Assert.Contains("No edition has gone out or been skipped yet.", html, StringComparison.Ordinal);
        Assert.Contains("data-require-approval=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("Editions wait for an editor's approval before they go out.", html, StringComparison.Ordinal);
        Assert.Contains("Administrators can change this in the settings.", html, StringComparison.Ordinal); // an editor may not open the settings
        Assert.Contains("href=\"/admin/newsletter/special\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/newsletter/templates\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/admin/newsletter\" aria-current=\"page\">Newsletter</a>", html, StringComparison.Ordinal);

        // The same in Arabic, right to left, for an administrator who also gets the link to the setting.
        using var arabic = await AdminClient.SignInAsync(site, StaffRole.Administrator, language: "ar");
        var raw = await arabic.GetStringAsync("/admin/newsletter");
        // A period key reads left to right inside an Arabic sentence.
        Assert.Contains("(الفترة \u20662026-12-A\u2069)", WebUtility.HtmlDecode(raw), StringComparison.Ordinal);
        var ar = Plain(raw);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", ar, StringComparison.Ordinal);
        Assert.Contains("العدد التالي بالعربية", ar, StringComparison.Ordinal);
        Assert.Contains("لا عدد قيد التحضير بعد. موعد الإرسال التالي 2026-12-01 09:00 (الفترة 2026-12-A)", NextSection(ar, "ar"), StringComparison.Ordinal);
        Assert.Contains("لا شيء يُرسل الآن.", ar, StringComparison.Ordinal);
        Assert.Contains("لم يصدر أي عدد ولم يُتخطَّ أي عدد بعد.", ar, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/admin/settings\">", ar, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_prepared_edition_is_listed_previewed_in_a_sandbox_with_working_links_and_the_skipped_one_is_in_the_past(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider, DayBefore);
        var report = await PostAsync(site, "Who owns the wells", PostKind.Report, priority: 5);
        var news = await PostAsync(site, "A short dispatch", PostKind.News);
        Assert.Equal(2, (await PassAsync(site)).Prepared);
        var english = await DigestAsync(site, "en");
        var arabic = await DigestAsync(site, "ar"); // nothing new in Arabic: skipped
        Assert.Equal(EditionStatus.Skipped, arabic.Status);

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var html = await PageAsync(editor, "/admin/newsletter");
        var en = NextSection(html, "en");
        Assert.Contains("data-period=\"2026-12-A\"", en, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 09:00", en, StringComparison.Ordinal);
        Assert.Contains("data-status=\"draft\"", en, StringComparison.Ordinal);
        Assert.Contains("data-items=\"2\"", en, StringComparison.Ordinal);
        Assert.Contains("Waiting for an editor's approval", en, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/newsletter/{english.Id}\"", en, StringComparison.Ordinal);
        // The Arabic period is done (skipped), so the next Arabic send is the one after.
        Assert.Contains("data-next-send=\"2026-12-B\"", NextSection(html, "ar"), StringComparison.Ordinal);
        Assert.Matches($"<tr data-edition=\"{arabic.Id}\" data-status=\"skipped\">", html);

        // The edition's page frames the preview, sandboxed; the other language's edition is a link away.
        var page = await editor.GetStringAsync($"/admin/newsletter/{english.Id}");
        Assert.Contains($"sandbox src=\"/admin/newsletter/{english.Id}/preview\"", page, StringComparison.Ordinal);
        Assert.Contains($"src=\"/admin/newsletter/{english.Id}/preview?text=1\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/newsletter/{arabic.Id}\"", page, StringComparison.Ordinal);
        Assert.Contains($"src=\"/admin/newsletter/{arabic.Id}/preview\"", page, StringComparison.Ordinal);
        var order = Regex.Matches(page, "<tr data-post=\"(\\d+)\">").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([report.Id, news.Id], order);
        Assert.Contains("data-section=\"report\"", page, StringComparison.Ordinal);
        Assert.Contains("data-section=\"news\"", page, StringComparison.Ordinal);

        using (var preview = await editor.GetAsync($"/admin/newsletter/{english.Id}/preview"))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("text/html", preview.Content.Headers.ContentType!.MediaType);
            var csp = string.Join(";", preview.Headers.GetValues("Content-Security-Policy"));
            Assert.StartsWith("sandbox", csp, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("SAMEORIGIN", string.Join(",", preview.Headers.GetValues("X-Frame-Options")));
            var mail = await BodyAsync(preview);
            Assert.Contains("Who owns the wells", mail, StringComparison.Ordinal);
            Assert.Contains("https://news.example/en/subscribe", mail, StringComparison.Ordinal);
            Assert.DoesNotContain(Send.UnsubscribeUrlPlaceholder, mail, StringComparison.Ordinal);
            Assert.DoesNotContain(Send.PreferencesUrlPlaceholder, mail, StringComparison.Ordinal);
        }

        using (var text = await editor.GetAsync($"/admin/newsletter/{english.Id}/preview?text=1"))
        {
            Assert.Equal("text/plain", text.Content.Headers.ContentType!.MediaType);
            Assert.StartsWith("sandbox", string.Join(";", text.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            var body = await BodyAsync(text);
            Assert.Contains("A short dispatch", body, StringComparison.Ordinal);
            Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Send.UnsubscribeUrlPlaceholder, body, StringComparison.Ordinal);
        }

        using var missing = await editor.GetAsync("/admin/newsletter/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var missingPreview = await editor.GetAsync("/admin/newsletter/999999/preview");
        Assert.Equal(HttpStatusCode.NotFound, missingPreview.StatusCode);
    }

    [Fact]
    public async Task An_edition_past_its_time_and_the_lateness_window_waits_for_an_editor_and_the_console_says_so()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite, DayBefore);
        await PostAsync(site, "A report", PostKind.Report);
        await PassAsync(site);
        var english = await DigestAsync(site, "en");

        // The app was "down" from before the send time to seven hours after it (the window is six).
        Clock(site).SetUtcNow(Editions.SendTime.AddHours(7));
        Assert.Equal(0, (await PassAsync(site)).Started);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var section = NextSection(await editor.GetStringAsync("/admin/newsletter"), "en");
        Assert.Contains("data-missed=\"true\"", section, StringComparison.Ordinal);
        Assert.Contains("This edition missed its send time (2026-12-01 09:00) by more than 6 hours: it waits for an editor. Send it now or hold it.", section, StringComparison.Ordinal);
        var page = await editor.GetStringAsync($"/admin/newsletter/{english.Id}");
        Assert.Contains("data-missed=\"true\"", page, StringComparison.Ordinal);
        // Approving now sends at once, so the button leads to a confirmation, not straight to a form.
        Assert.Contains($"<a class=\"button\" href=\"/admin/newsletter/{english.Id}/approve\" id=\"approve\">", page, StringComparison.Ordinal);
    }

    // ---- What editors do ------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reorder_remove_subject_and_intro_approve_and_hold_work_through_the_forms(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider, DayBefore);
        var first = await PostAsync(site, "The first report", PostKind.Report, priority: 9);
        var second = await PostAsync(site, "The second report", PostKind.Report, priority: 1);
        var news = await PostAsync(site, "A dispatch", PostKind.News);
        await PassAsync(site);
        var edition = await DigestAsync(site, "en");
        var path = $"/admin/newsletter/{edition.Id}";
        Assert.Equal([first.Id, second.Id, news.Id], await ItemsAsync(site, edition.Id));
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, name: "Maya Editor");

        // Move the second report up: it is first in its section now.
        using (var moved = await editor.PostFormAsync(path + "/move", Form(("post", second.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("to", "up"))))
        {
            Assert.Equal(path + "?notice=moved", Location(moved));
        }

        Assert.Equal([second.Id, first.Id, news.Id], await ItemsAsync(site, edition.Id));
        Assert.Contains("The post was moved.", await editor.GetStringAsync(path + "?notice=moved"), StringComparison.Ordinal);

        // Subject and intro.
        using (var saved = await editor.PostFormAsync(path + "/text", Form(("subject", "  Two reports and a dispatch "), ("intro", "Dear readers,\r\n\r\nthe wells again."))))
        {
            Assert.Equal(path + "?notice=saved", Location(saved));
        }

        var stored = await EditionAsync(site, edition.Id);
        Assert.Equal("Two reports and a dispatch", stored.Subject);
        Assert.Equal("Dear readers,\n\nthe wells again.", stored.Intro);
        var page = await editor.GetStringAsync(path);
        Assert.Contains("<span lang=\"en\" dir=\"ltr\" id=\"edition-subject\">Two reports and a dispatch</span>", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Two reports and a dispatch\"", page, StringComparison.Ordinal);

        // Removing asks first: without the confirmation the form leads to the question, and nothing is removed.
        var id = news.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var unconfirmed = await editor.PostFormAsync(path + "/remove", Form(("post", id))))
        {
            Assert.Equal($"{path}/remove?post={id}", Location(unconfirmed));
        }

        Assert.Equal(3, (await ItemsAsync(site, edition.Id)).Count);
        var question = await PageAsync(editor, $"{path}/remove?post={id}");
        Assert.Contains("Take “A dispatch” out of this edition? It may go in a later one.", question, StringComparison.Ordinal);
        Assert.Contains("name=\"confirmed\" value=\"yes\"", question, StringComparison.Ordinal);
        using (var removed = await editor.PostFormAsync(path + "/remove", Form(("post", id), ("confirmed", "yes"))))
        {
            Assert.Equal(path + "?notice=removed", Location(removed));
        }

        Assert.Equal([second.Id, first.Id], await ItemsAsync(site, edition.Id));

        // Approve before its time: it waits for it; the page says who approved it.
        using (var approved = await editor.PostFormAsync(path + "/approve", []))
        {
            Assert.Equal(path + "?notice=approved", Location(approved));
        }

        stored = await EditionAsync(site, edition.Id);
        Assert.Equal(EditionStatus.Approved, stored.Status);
        Assert.Equal(editor.Member!.Id, stored.ReviewedById);
        Assert.Null(stored.SendId);
        page = await editor.GetStringAsync(path + "?notice=approved");
        Assert.Contains("Approved: it goes out at its send time.", page, StringComparison.Ordinal);
        Assert.Contains("Approved by Maya Editor on 2026-11-30 13:00", page, StringComparison.Ordinal);
        Assert.Contains("Approved by Maya Editor", NextSection(await editor.GetStringAsync("/admin/newsletter"), "en"), StringComparison.Ordinal);

        // A change after approval withdraws it, and the notice says so.
        using (var changed = await editor.PostFormAsync(path + "/move", Form(("post", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("to", "up"))))
        {
            Assert.Equal(path + "?notice=unapproved", Location(changed));
        }

        Assert.Equal(EditionStatus.Draft, (await EditionAsync(site, edition.Id)).Status);

        using (var held = await editor.PostFormAsync(path + "/hold", []))
        {
            Assert.Equal(path + "?notice=held", Location(held));
        }

        Assert.Equal(EditionStatus.Held, (await EditionAsync(site, edition.Id)).Status);
        Assert.Contains("Held by Maya Editor", await editor.GetStringAsync(path), StringComparison.Ordinal);

        // Refreshing asks first too, then chooses the posts again (the removed dispatch is back, the order is the ranking's).
        Assert.Contains("Your reordering and removals are lost", await editor.GetStringAsync(path + "/refresh"), StringComparison.Ordinal);
        using (var refreshed = await editor.PostFormAsync(path + "/refresh", Form(("confirmed", "yes"))))
        {
            Assert.Equal(path + "?notice=refreshed", Location(refreshed));
        }

        Assert.Equal([first.Id, second.Id, news.Id], await ItemsAsync(site, edition.Id));
        Assert.Equal(EditionStatus.Draft, (await EditionAsync(site, edition.Id)).Status);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_4xx_in_the_admins_language_and_changes_nothing()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite, DayBefore);
        var made = await Editions.CreateAsync(site.Services, subject: "The subject", intro: "The intro");
        var sent = await Editions.CreateAsync(site.Services, status: EditionStatus.Sent, periodKey: "2026-11-B");
        var path = $"/admin/newsletter/{made.Edition.Id}";
        var before = await ItemsAsync(site, made.Edition.Id);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var arabic = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");

        async Task RefusedAsync(AdminClient client, string url, Dictionary<string, string> form, HttpStatusCode status, string message)
        {
            using var response = await client.PostFormAsync(url, form);
            Assert.Equal(status, response.StatusCode);
            var html = await BodyAsync(response);
            Assert.Contains($"<p class=\"error\" role=\"alert\">{message}</p>", html, StringComparison.Ordinal);
        }

        var overlong = new string('x', SendService.MaxSubjectLength + 1);
        await RefusedAsync(editor, path + "/text", Form(("subject", overlong), ("intro", "New intro")), HttpStatusCode.BadRequest, "The subject is one line of at most 300 characters.");
        await RefusedAsync(arabic, path + "/text", Form(("subject", overlong), ("intro", "New intro")), HttpStatusCode.BadRequest, "الموضوع سطر واحد من 300 حرف على الأكثر.");
        await RefusedAsync(editor, path + "/text", Form(("subject", "Fine"), ("intro", new string('y', Edition.MaxIntroLength + 1))), HttpStatusCode.BadRequest,
            "The intro is plain text of at most 2000 characters.");
        await RefusedAsync(editor, path + "/move", Form(("post", "999999"), ("to", "up")), HttpStatusCode.BadRequest, "That post is not in this edition.");
        await RefusedAsync(arabic, path + "/move", Form(("post", "999999"), ("to", "down")), HttpStatusCode.BadRequest, "هذه المادة ليست في هذا العدد.");
        await RefusedAsync(editor, path + "/move", Form(("post", "abc"), ("to", "up")), HttpStatusCode.BadRequest, "That post is not in this edition.");
        await RefusedAsync(editor, path + "/move", Form(("post", made.Report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("to", "sideways")),
            HttpStatusCode.BadRequest, "That request was not understood. Go back, reload the page and try again.");
        await RefusedAsync(editor, path + "/remove", Form(("post", "999999"), ("confirmed", "yes")), HttpStatusCode.BadRequest, "That post is not in this edition.");
        await RefusedAsync(editor, path + "/test", Form(("address", "not an address")), HttpStatusCode.BadRequest, "Enter one valid email address for the test.");
        await RefusedAsync(arabic, path + "/test", Form(("address", "")), HttpStatusCode.BadRequest, "أدخل عنوان بريد إلكتروني واحداً صحيحاً للتجربة.");

        // The refused subject is shown again in the form, so nothing typed is lost; nothing was stored.
        using (var again = await editor.PostFormAsync(path + "/text", Form(("subject", overlong), ("intro", "Kept"))))
        {
            var html = await BodyAsync(again);
            Assert.Contains($"value=\"{overlong}\"", html, StringComparison.Ordinal);
            Assert.Contains(">Kept</textarea>", html, StringComparison.Ordinal);
        }

        var unchanged = await EditionAsync(site, made.Edition.Id);
        Assert.Equal("The subject", unchanged.Subject);
        Assert.Equal("The intro", unchanged.Intro);
        Assert.Equal(EditionStatus.Draft, unchanged.Status);
        Assert.Null(unchanged.CuratedAt);
        Assert.Equal(before, await ItemsAsync(site, made.Edition.Id));
        Assert.Empty(Outbox.Messages(site.Environment));

        // An edition that went out can no longer be changed, approved, held, refreshed or sent again.
        var sentPath = $"/admin/newsletter/{sent.Edition.Id}";
        var gone = "This edition has already gone to the delivery engine; it can no longer be changed.";
        await RefusedAsync(editor, sentPath + "/text", Form(("subject", "Late")), HttpStatusCode.Conflict, gone);
        await RefusedAsync(editor, sentPath + "/approve", [], HttpStatusCode.Conflict, gone);
        await RefusedAsync(editor, sentPath + "/hold", [], HttpStatusCode.Conflict, gone);
        await RefusedAsync(editor, sentPath + "/send", Form(("confirmed", "yes")), HttpStatusCode.Conflict, gone);
        await RefusedAsync(editor, sentPath + "/refresh", Form(("confirmed", "yes")), HttpStatusCode.Conflict, gone);
        await RefusedAsync(editor, sentPath + "/remove", Form(("post", sent.News.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("confirmed", "yes")),
            HttpStatusCode.Conflict, gone);
        await RefusedAsync(arabic, sentPath + "/approve", [], HttpStatusCode.Conflict, "سُلّم هذا العدد إلى محرك الإرسال من قبل؛ لم يعد تغييره ممكناً.");
        using (var confirm = await editor.GetAsync(sentPath + "/send"))
        {
            Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        }

        var stillSent = await EditionAsync(site, sent.Edition.Id);
        Assert.Equal(EditionStatus.Sent, stillSent.Status);
        Assert.Null(stillSent.Subject);
        Assert.Null(stillSent.SendId);
        Assert.Equal(3, (await ItemsAsync(site, sent.Edition.Id)).Count);
        Assert.Equal(0, await InDbAsync(site, db => db.Sends.CountAsync(Ct)));
        Assert.DoesNotContain("action=\"" + sentPath + "/approve\"", await editor.GetStringAsync(sentPath), StringComparison.Ordinal);

        // No such edition: the admin's own 404.
        using var none = await editor.PostFormAsync("/admin/newsletter/999999/approve", []);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task A_test_goes_to_the_members_own_address_by_default_and_the_page_shows_the_servers_reply()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite, DayBefore);
        var made = await Editions.CreateAsync(site.Services);
        var path = $"/admin/newsletter/{made.Edition.Id}";
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, email: "maya@newsroom.example");
        Assert.Contains("name=\"address\" type=\"email\" required maxlength=\"254\" dir=\"ltr\" value=\"maya@newsroom.example\"", await editor.GetStringAsync(path), StringComparison.Ordinal);

        using var tested = await editor.PostFormAsync(path + "/test", Form(("address", "desk@newsroom.example")));
        var location = Location(tested);
        Assert.StartsWith(path + "?reply=", location, StringComparison.Ordinal);
        Assert.DoesNotContain("@", location, StringComparison.Ordinal); // no address in a URL
        Assert.DoesNotContain("%40", location, StringComparison.Ordinal);
        var page = await editor.GetStringAsync(location);
        Assert.Contains("The test was handed over. The mail server answered: written to the outbox folder", page, StringComparison.Ordinal);
        var mail = Assert.Single(Outbox.Messages(site.Environment));
        Assert.Equal("desk@newsroom.example", mail.To.Mailboxes.Single().Address);
        Assert.StartsWith("[Test] ", mail.Subject, StringComparison.Ordinal);

        // The reply cannot be made up, nor shown to someone else.
        var forged = Regex.Replace(location, "reply=[^&]+", "reply=made-up");
        Assert.DoesNotContain("id=\"test-reply\"", await editor.GetStringAsync(forged), StringComparison.Ordinal);
        using var colleague = await AdminClient.SignInAsync(site, StaffRole.Editor);
        Assert.DoesNotContain("id=\"test-reply\"", await colleague.GetStringAsync(location), StringComparison.Ordinal);

        // The edition itself is untouched by a test.
        var after = await EditionAsync(site, made.Edition.Id);
        Assert.Equal(EditionStatus.Draft, after.Status);
        Assert.Null(after.SendId);
    }

    [Fact]
    public async Task Send_now_and_approving_a_past_due_edition_ask_first_with_the_number_of_subscribers()
    {
        // Two hours before the send time, so the sign-in (12 hours) outlives the step past it.
        await using var site = await StartAsync(DatabaseProvider.Sqlite, Editions.SendTime.AddHours(-2));
        var early = await Editions.CreateAsync(site.Services);
        var late = await Editions.CreateAsync(site.Services, periodKey: "2026-11-B");
        await SubscribersAsync(site, 2, NewsletterLanguages.English);
        await SubscribersAsync(site, 1, NewsletterLanguages.Both);
        await SubscribersAsync(site, 4, NewsletterLanguages.Arabic);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        // Send now: the question names the three English readers; without the confirmation nothing goes.
        var path = $"/admin/newsletter/{early.Edition.Id}";
        Assert.Contains("Send this edition now, to 3 subscribers? This cannot be taken back.", await editor.GetStringAsync(path + "/send"), StringComparison.Ordinal);
        using (var unconfirmed = await editor.PostFormAsync(path + "/send", []))
        {
            Assert.Equal(path + "/send", Location(unconfirmed));
        }

        Assert.Equal(EditionStatus.Draft, (await EditionAsync(site, early.Edition.Id)).Status);
        using (var sent = await editor.PostFormAsync(path + "/send", Form(("confirmed", "yes"))))
        {
            Assert.Equal(path + "?notice=sending", Location(sent));
        }

        var sending = await EditionAsync(site, early.Edition.Id);
        Assert.Equal(EditionStatus.Sending, sending.Status);
        Assert.NotNull(sending.SendId);
        var page = await editor.GetStringAsync(path + "?notice=sending");
        Assert.Contains("Handed to the delivery engine: it is sending now.", page, StringComparison.Ordinal);
        Assert.Contains($"data-progress-url=\"{path}/progress\"", page, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/assets/admin-newsletter.js\" defer></script>", page, StringComparison.Ordinal);

        // A digest edition past its time: approving sends it, so the form leads to the question first.
        Clock(site).SetUtcNow(Editions.SendTime.AddHours(1));
        var latePath = $"/admin/newsletter/{late.Edition.Id}";
        using (var unconfirmed = await editor.PostFormAsync(latePath + "/approve", []))
        {
            Assert.Equal(latePath + "/approve", Location(unconfirmed));
        }

        Assert.Equal(EditionStatus.Draft, (await EditionAsync(site, late.Edition.Id)).Status);
        Assert.Contains("Its send time has passed, so approving sends it at once, to 3 subscribers.", await editor.GetStringAsync(latePath + "/approve"), StringComparison.Ordinal);
        using (var approved = await editor.PostFormAsync(latePath + "/approve", Form(("confirmed", "yes"))))
        {
            Assert.Equal(latePath + "?notice=approved-sending", Location(approved));
        }

        var approvedNow = await EditionAsync(site, late.Edition.Id);
        Assert.Equal(EditionStatus.Sending, approvedNow.Status);
        Assert.NotNull(approvedNow.ApprovedAt);
        var console = await editor.GetStringAsync("/admin/newsletter");
        Assert.Contains($"<tr data-edition=\"{early.Edition.Id}\" data-progress-url=\"{path}/progress\">", console, StringComparison.Ordinal);
        Assert.Contains($"<tr data-edition=\"{late.Edition.Id}\" data-progress-url=\"{latePath}/progress\">", console, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_progress_endpoint_answers_the_sends_numbers_as_json_and_says_when_it_is_over(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider, DayBefore);
        var made = await Editions.CreateAsync(site.Services);
        var path = $"/admin/newsletter/{made.Edition.Id}/progress";
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        // Not handed over yet: nothing to count, nothing to wait for.
        using (var before = JsonDocument.Parse(await editor.GetStringAsync(path)))
        {
            Assert.Equal("draft", before.RootElement.GetProperty("edition").GetString());
            Assert.Equal(0, before.RootElement.GetProperty("recipients").GetInt32());
            Assert.True(before.RootElement.GetProperty("finished").GetBoolean());
        }

        var (sendId, deliveries) = await SendingAsync(site, made.Edition,
            DeliveryState.Sent, DeliveryState.Sent, DeliveryState.Sent, DeliveryState.Deferred, DeliveryState.Unknown, DeliveryState.Failed,
            DeliveryState.Pending, DeliveryState.Pending, DeliveryState.Claimed, DeliveryState.Skipped);
        await InDbAsync(site, async db =>
        {
            var rows = await db.Deliveries.AsNoTracking().Where(d => d.Id == deliveries[5] || d.Id == deliveries[0]).ToDictionaryAsync(d => d.Id, Ct);
            db.BounceEvents.AddRange(
                new BounceEvent { DeliveryId = deliveries[5], SubscriberId = rows[deliveries[5]].SubscriberId, Kind = BounceKind.HardBounce, At = DateTime.UtcNow },
                new BounceEvent { DeliveryId = deliveries[0], SubscriberId = rows[deliveries[0]].SubscriberId, Kind = BounceKind.Complaint, At = DateTime.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });

        using var response = await editor.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        using (var during = JsonDocument.Parse(await BodyAsync(response)))
        {
            var json = during.RootElement;
            Assert.Equal("sending", json.GetProperty("edition").GetString());
            Assert.Equal("Sending", json.GetProperty("state").GetString());
            Assert.Equal(10, json.GetProperty("recipients").GetInt32());
            Assert.Equal(3, json.GetProperty("sent").GetInt32());
            Assert.Equal(2, json.GetProperty("deferred").GetInt32()); // deferred and unknown: both to be tried again
            Assert.Equal(1, json.GetProperty("failed").GetInt32());
            Assert.Equal(3, json.GetProperty("waiting").GetInt32());
            Assert.Equal(1, json.GetProperty("skipped").GetInt32());
            Assert.Equal(1, json.GetProperty("bounced").GetInt32());
            Assert.Equal(1, json.GetProperty("complaints").GetInt32());
            Assert.False(json.GetProperty("finished").GetBoolean());
        }

        // The page shows the same numbers without any script.
        var page = await editor.GetStringAsync($"/admin/newsletter/{made.Edition.Id}");
        Assert.Contains("<span class=\"figure\" data-count=\"sent\">3</span>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"figure\" data-count=\"waiting\">3</span>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"figure\" data-count=\"complaints\">1</span>", page, StringComparison.Ordinal);

        // Over: the send finished (the script then stops asking); in Arabic, the state is in Arabic.
        // The deferred, unknown and waiting ones go out; the failed and the skipped stay as they are.
        await SetStateAsync(site, [deliveries[3], deliveries[4], deliveries[6], deliveries[7], deliveries[8]], DeliveryState.Sent);
        await InDbAsync(site, db => db.Sends.Where(s => s.Id == sendId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SendStatus.Finished), Ct));
        using var arabic = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        using var after = JsonDocument.Parse(await arabic.GetStringAsync(path));
        Assert.Equal(8, after.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal(0, after.RootElement.GetProperty("waiting").GetInt32());
        Assert.Equal(0, after.RootElement.GetProperty("deferred").GetInt32());
        Assert.Equal(1, after.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal("انتهى", after.RootElement.GetProperty("state").GetString());
        Assert.True(after.RootElement.GetProperty("finished").GetBoolean());

        using var missing = await editor.GetAsync("/admin/newsletter/999999/progress");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_special_edition_is_made_from_chosen_posts_through_the_form_and_reviewed_like_a_digest_edition(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider, DayBefore);
        var report = await PostAsync(site, "Breaking: the dam", PostKind.Report);
        var translation = await PostAsync(site, "عاجل: السد", PostKind.Report, "ar", translationOf: report.Id);
        var news = await PostAsync(site, "An older dispatch", PostKind.News);
        var draft = await PostAsync(site, "Not out yet", PostKind.News, status: PostStatus.Draft);
        await SubscribersAsync(site, 2, NewsletterLanguages.Arabic);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        var form = await editor.GetStringAsync("/admin/newsletter/special");
        foreach (var post in new[] { report, translation, news })
        {
            Assert.Contains($"name=\"post\" value=\"{post.Id}\"", form, StringComparison.Ordinal);
        }

        Assert.DoesNotContain($"name=\"post\" value=\"{draft.Id}\"", form, StringComparison.Ordinal);
        var onlyArabic = await editor.GetStringAsync("/admin/newsletter/special?lang=ar");
        Assert.Contains($"name=\"post\" value=\"{translation.Id}\"", onlyArabic, StringComparison.Ordinal);
        Assert.DoesNotContain($"name=\"post\" value=\"{report.Id}\"", onlyArabic, StringComparison.Ordinal);

        // Refusals keep what was chosen and make nothing.
        string Id(Post p) => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        async Task RefusedAsync(IEnumerable<KeyValuePair<string, string>> fields, string message)
        {
            using var response = await editor.PostFormAsync("/admin/newsletter/special", fields);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"<p class=\"error\" role=\"alert\">{message}</p>", await BodyAsync(response), StringComparison.Ordinal);
        }

        await RefusedAsync(Form(("segment", "both"), ("subject", "Dam")), "Choose at least one published post.");
        await RefusedAsync(Form(("post", Id(report)), ("subject", "Dam")), "Choose who it goes to: the Arabic readers, the English readers or both.");
        await RefusedAsync([KeyValuePair.Create("post", Id(report)), KeyValuePair.Create("post", Id(draft)), KeyValuePair.Create("segment", "en")], "Choose published posts only.");
        await RefusedAsync([KeyValuePair.Create("post", Id(news)), KeyValuePair.Create("segment", "ar")], "For each language it goes to, choose a post in that language or one translated into it.");
        await RefusedAsync([KeyValuePair.Create("post", Id(news)), KeyValuePair.Create("segment", "en"), KeyValuePair.Create("subject", new string('s', 301))],
            "The subject is one line of at most 300 characters.");
        Assert.Equal(0, await InDbAsync(site, db => db.Editions.CountAsync(Ct)));

        using var made = await editor.PostFormAsync("/admin/newsletter/special",
        [
            KeyValuePair.Create("post", Id(report)), KeyValuePair.Create("post", Id(news)), KeyValuePair.Create("segment", "both"),
            KeyValuePair.Create("subject", "The dam has broken"), KeyValuePair.Create("intro", "A special edition."),
        ]);
        var location = Location(made);
        var specials = await InDbAsync(site, db => db.Editions.AsNoTracking().Where(e => e.Newsletter == Edition.Special).OrderBy(e => e.Id).ToListAsync(Ct));
        Assert.Equal(["en", "ar"], specials.Select(e => e.Language));
        Assert.All(specials, e => Assert.Equal(EditionStatus.Draft, e.Status));
        Assert.All(specials, e => Assert.Equal("The dam has broken", e.Subject));
        Assert.Equal($"/admin/newsletter/{specials[0].Id}?notice=special", location);
        Assert.Equal([report.Id, news.Id], await ItemsAsync(site, specials[0].Id));
        Assert.Equal([translation.Id], await ItemsAsync(site, specials[1].Id));

        // Its page: reviewed like a digest edition; approving sends at once, so it asks first.
        var page = await editor.GetStringAsync(location);
        Assert.Contains("The special edition was made. Review it, send a test, and approve it to send it.", page, StringComparison.Ordinal);
        Assert.Contains($"sandbox src=\"/admin/newsletter/{specials[0].Id}/preview\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/newsletter/{specials[1].Id}\"", page, StringComparison.Ordinal);
        Assert.Contains("A special edition has no send time: approving it sends it at once.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"refresh\"", page, StringComparison.Ordinal);
        var arabicPath = $"/admin/newsletter/{specials[1].Id}";
        Assert.Contains("Approving a special edition sends it at once, to 2 subscribers.", await editor.GetStringAsync(arabicPath + "/approve"), StringComparison.Ordinal);
        using (var approved = await editor.PostFormAsync(arabicPath + "/approve", Form(("confirmed", "yes"))))
        {
            Assert.Equal(arabicPath + "?notice=approved-sending", Location(approved));
        }

        Assert.Equal(EditionStatus.Sending, (await EditionAsync(site, specials[1].Id)).Status);

        // The English one still waits, listed on the console.
        var console = await editor.GetStringAsync("/admin/newsletter");
        Assert.Contains($"<tr data-edition=\"{specials[0].Id}\">", console, StringComparison.Ordinal);
        Assert.Contains("English special edition, ", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authors_and_contributors_get_403_and_no_link_while_editors_see_the_newsletter()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite, DayBefore);
        var made = await Editions.CreateAsync(site.Services);
        foreach (var role in new[] { StaffRole.Author, StaffRole.Contributor })
        {
            using var client = await AdminClient.SignInAsync(site, role);
            Assert.DoesNotContain("href=\"/admin/newsletter\"", await client.GetStringAsync("/admin"), StringComparison.Ordinal);
            foreach (var path in new[] { "/admin/newsletter", "/admin/newsletter/special", $"/admin/newsletter/{made.Edition.Id}", $"/admin/newsletter/{made.Edition.Id}/preview", $"/admin/newsletter/{made.Edition.Id}/progress" })
            {
                using var page = await client.GetAsync(path);
                Assert.True(page.StatusCode == HttpStatusCode.Forbidden, $"{role}: GET {path} answered {(int)page.StatusCode}");
            }

            using var approve = await client.PostFormAsync($"/admin/newsletter/{made.Edition.Id}/approve", []);
            Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        }

        Assert.Equal(EditionStatus.Draft, (await EditionAsync(site, made.Edition.Id)).Status);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        Assert.Contains("href=\"/admin/newsletter\"", await editor.GetStringAsync("/admin"), StringComparison.Ordinal);
    }

    // ---- In a browser ----------------------------------------------------------------------------------------------

    /// <summary>
    /// An edition's page while its send progresses: the numbers change without a reload as the delivery rows do, and the
    /// script stops when the send is over. (The site runs on the real clock here; the edition belongs to a past period,
    /// and its deliveries are not due for any worker, so only the test moves them.)
    /// </summary>
    [Fact]
    public async Task The_edition_page_follows_a_send_without_reloading()
    {
        await using var session = await BrowserSite.StartAsync(demoContent: false);
        var site = session.Site;
        var made = await Editions.CreateAsync(site.Services, periodKey: "2026-10-A", intro: "A short word before the posts.");
        var (sendId, deliveries) = await SendingAsync(site, made.Edition,
            DeliveryState.Pending, DeliveryState.Pending, DeliveryState.Pending, DeliveryState.Pending, DeliveryState.Pending, DeliveryState.Pending);
        var editor = await AdminClient.CreateMemberAsync(site.Services, StaffRole.Editor, "karim@newsroom.example", name: "Karim");
        var path = $"/admin/newsletter/{made.Edition.Id}";
        var page = await session.SignInAsync(editor, path);

        // The preview renders in its sandboxed frame.
        await page.FrameLocator("#edition-preview").GetByText("Who owns the wells").First.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("0", await page.TextContentAsync("[data-count=sent]"));
        Assert.Equal("6", await page.TextContentAsync("[data-count=waiting]"));
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");

        await SetStateAsync(site, deliveries.Take(2), DeliveryState.Sent);
        await SetStateAsync(site, deliveries.Skip(2).Take(1), DeliveryState.Failed);
        await page.WaitForFunctionAsync("() => document.querySelector('[data-count=sent]').textContent === '2'", null, new() { Timeout = 15_000 });
        Assert.Equal("1", await page.TextContentAsync("[data-count=failed]"));
        Assert.Equal("3", await page.TextContentAsync("[data-count=waiting]"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-newsletter-edition-sending-en.png"), FullPage = true });

        // The rest goes out and the send finishes: the last numbers arrive and the page stops asking.
        await SetStateAsync(site, deliveries.Skip(3), DeliveryState.Sent);
        await InDbAsync(site, db => db.Sends.Where(s => s.Id == sendId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SendStatus.Finished).SetProperty(s => s.FinishedAt, DateTime.UtcNow), Ct));
        await page.WaitForSelectorAsync("[data-progress-url][data-progress-finished=true]", new() { Timeout = 15_000 });
        Assert.Equal("5", await page.TextContentAsync("[data-count=sent]"));
        Assert.Equal("0", await page.TextContentAsync("[data-count=waiting]"));
        Assert.Equal("Finished", await page.TextContentAsync("[data-progress-state]"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"));

        // A draft edition's page, with everything an editor does to it.
        var draft = await Editions.CreateAsync(site.Services, periodKey: "2026-09-A", subject: "Wells, dams and a map");
        await page.GotoAsync($"/admin/newsletter/{draft.Edition.Id}");
        Assert.True(await page.IsVisibleAsync("#approve"));
        Assert.True(await page.IsVisibleAsync("#send-now"));
        Assert.Equal("Wells, dams and a map", await page.InputValueAsync("#edition-subject-field"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-newsletter-edition-draft-en.png"), FullPage = true });

        // The console, with the edition among those sending or sent, as an editor sees it; and in Arabic, right to left.
        await page.GotoAsync("/admin/newsletter");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-newsletter-console-en.png"), FullPage = true });
        Assert.Contains(made.Edition.PeriodKey, await page.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        var arabic = await session.SignInAsync(
            await AdminClient.CreateMemberAsync(site.Services, StaffRole.Editor, "salma@newsroom.example", "ar", "سلمى"), "/admin/newsletter");
        Assert.Equal("rtl", await arabic.EvalOnSelectorAsync<string>("main", "e => getComputedStyle(e).direction"));
        Assert.Contains("العدد التالي بالعربية", await arabic.TextContentAsync("main") ?? "", StringComparison.Ordinal);
        await arabic.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-newsletter-console-ar.png"), FullPage = true });
        await arabic.GotoAsync(path);
        await arabic.FrameLocator("#edition-preview").GetByText("Who owns the wells").First.WaitForAsync(new() { Timeout = 15_000 });
        await arabic.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-newsletter-edition-ar.png"), FullPage = true });
    }
}
