using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broadsheet.Tests.Newsletter;

/// <summary>An edition's life: prepared ahead, reviewed, approved or held, sent once at its time (or within the lateness window), finished.</summary>
public sealed class EditionServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 1 December 2026, 09:00 in the default zone (Asia/Damascus, +03): the send time of 2026-12-A.
    private static readonly DateTimeOffset SendTime = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static async Task<TestServices> ServicesAsync(DatabaseProvider provider, bool requireApproval = true) =>
        await TestServices.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Broadsheet:Newsletter:RequireApproval"] = requireApproval ? "true" : "false",
        }, now: new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private static Task<Post> PostAsync(TestServices services, string title, PostKind kind, DateTimeOffset publishAt, string language = "en", int? translationOf = null) =>
        services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = kind, Language = language, Title = title, Lede = $"The lede of {title}.", BodyMarkdown = "Body.",
            Status = publishAt > services.Clock.GetUtcNow() ? PostStatus.Scheduled : PostStatus.Published, PublishAt = publishAt.UtcDateTime,
            TranslationOf = translationOf,
        }, Ct));

    private static Task<DigestPass> PassAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<EditionService>().RunDueAsync(Ct));

    private static Task<Edition> StoredAsync(TestServices services, string language = "en", string period = "2026-12-A") =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking()
            .SingleAsync(e => e.Newsletter == Edition.Digest && e.Language == language && e.PeriodKey == period, Ct));

    private static async Task<T> EditAsync<T>(TestServices services, Func<EditionService, Task<T>> work) =>
        await services.InScopeAsync(sp => work(sp.GetRequiredService<EditionService>()));

    private static Task<bool> EditAsync(TestServices services, Func<EditionService, Task> work) =>
        services.InScopeAsync(async sp =>
        {
            await work(sp.GetRequiredService<EditionService>());
            return true;
        });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_edition_is_prepared_a_day_ahead_waits_for_approval_and_goes_out_once_at_its_time(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var report = await PostAsync(services, "A report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));

        // Two days ahead: nothing yet.
        services.Clock.SetUtcNow(SendTime.AddHours(-48));
        Assert.Equal(0, (await PassAsync(services)).Prepared);

        // A day ahead: both languages' editions are made; the English one carries the report, the Arabic one has nothing new.
        services.Clock.SetUtcNow(SendTime.AddHours(-23));
        var pass = await PassAsync(services);
        Assert.Equal(2, pass.Prepared);
        var english = await StoredAsync(services);
        Assert.Equal(EditionStatus.Draft, english.Status);
        Assert.NotNull(english.PreparedAt);
        Assert.Equal([report.Id], (await EditAsync(services, s => s.ItemsAsync(english.Id, Ct))).Select(i => i.Post.Id));
        Assert.Equal(EditionStatus.Skipped, (await StoredAsync(services, "ar")).Status);

        // Approved before its time, it goes at its time, once, however many passes run.
        services.Clock.SetUtcNow(SendTime.AddMinutes(-30));
        Assert.False(await EditAsync(services, s => s.ApproveAsync(english.Id, null, Ct)));
        Assert.Equal(EditionStatus.Approved, (await StoredAsync(services)).Status);
        Assert.Equal(0, (await PassAsync(services)).Started);
        Assert.Null((await StoredAsync(services)).SendId);
        services.Clock.SetUtcNow(SendTime.AddMinutes(2));
        Assert.Equal(1, (await PassAsync(services)).Started);
        Assert.Equal(0, (await PassAsync(services)).Started);
        var sending = await StoredAsync(services);
        Assert.Equal(EditionStatus.Sending, sending.Status);
        var send = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(s => s.Id == sending.SendId, Ct));
        Assert.Equal(SendKind.Edition, send.Kind);
        Assert.Equal("en", send.Language);
        Assert.Contains(Send.UnsubscribeUrlPlaceholder, send.HtmlBody, StringComparison.Ordinal);

        // When the delivery engine finishes, the edition is sent.
        await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.Where(s => s.Id == send.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SendStatus.Finished).SetProperty(s => s.FinishedAt, SendTime.AddMinutes(3).UtcDateTime), Ct));
        Assert.Equal(1, (await PassAsync(services)).Finished);
        var sent = await StoredAsync(services);
        Assert.Equal(EditionStatus.Sent, sent.Status);
        Assert.Equal(SendTime.AddMinutes(3).UtcDateTime, sent.SentAt);
        await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.RemoveAsync(sent.Id, report.Id, null, Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Without_approval_an_untouched_edition_sends_itself_with_what_was_published_up_to_its_time(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider, requireApproval: false);
        var early = await PostAsync(services, "Early report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        await PassAsync(services);

        // Published after the edition was prepared, before its time: it still makes this edition.
        services.Clock.SetUtcNow(SendTime.AddHours(-2));
        var late = await PostAsync(services, "Late news", PostKind.News, SendTime.AddHours(-2));
        services.Clock.SetUtcNow(SendTime.AddSeconds(5));
        Assert.Equal(1, (await PassAsync(services)).Started);
        var edition = await StoredAsync(services);
        Assert.Equal(EditionStatus.Sending, edition.Status);
        Assert.Equal([early.Id, late.Id], (await EditAsync(services, s => s.ItemsAsync(edition.Id, Ct))).Select(i => i.Post.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_post_published_while_an_approved_edition_was_in_review_goes_in_the_next_one(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var early = await PostAsync(services, "Early report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        await PassAsync(services);
        var first = await StoredAsync(services);
        await EditAsync(services, s => s.ApproveAsync(first.Id, null, Ct));

        services.Clock.SetUtcNow(SendTime.AddHours(-2));
        var late = await PostAsync(services, "Late report", PostKind.Report, SendTime.AddHours(-2));
        services.Clock.SetUtcNow(SendTime.AddMinutes(1));
        Assert.Equal(1, (await PassAsync(services)).Started);
        Assert.Equal([early.Id], (await EditAsync(services, s => s.ItemsAsync(first.Id, Ct))).Select(i => i.Post.Id));

        services.Clock.SetUtcNow(SendTime.AddDays(14).AddHours(-20));
        await PassAsync(services);
        var second = await StoredAsync(services, period: "2026-12-B");
        Assert.Equal([late.Id], (await EditAsync(services, s => s.ItemsAsync(second.Id, Ct))).Select(i => i.Post.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Down_at_the_send_time_it_still_goes_within_the_lateness_window_and_later_waits_for_an_editor(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        await PostAsync(services, "A report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        await PostAsync(services, "Arabic report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "ar");
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        await PassAsync(services);
        var english = await StoredAsync(services);
        var arabic = await StoredAsync(services, "ar");
        await EditAsync(services, s => s.ApproveAsync(english.Id, null, Ct));
        await EditAsync(services, s => s.ApproveAsync(arabic.Id, null, Ct));

        // Back five hours late: still within six hours, so both go.
        services.Clock.SetUtcNow(SendTime.AddHours(5));
        Assert.Equal(2, (await PassAsync(services)).Started);

        // The next period: approved, but the app comes back seven hours late: it waits for an editor, who sends it now.
        services.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
        await PostAsync(services, "Another report", PostKind.Report, new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
        var next = SendTime.AddDays(14);
        services.Clock.SetUtcNow(next.AddHours(-20));
        await PassAsync(services);
        var second = await StoredAsync(services, period: "2026-12-B");
        await EditAsync(services, s => s.ApproveAsync(second.Id, null, Ct));
        services.Clock.SetUtcNow(next.AddHours(7));
        Assert.Equal(0, (await PassAsync(services)).Started);
        Assert.Equal(EditionStatus.Approved, (await StoredAsync(services, period: "2026-12-B")).Status);
        await EditAsync(services, s => s.SendNowAsync(second.Id, null, Ct));
        Assert.Equal(EditionStatus.Sending, (await StoredAsync(services, period: "2026-12-B")).Status);
        var again = await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.SendNowAsync(second.Id, null, Ct)));
        Assert.Equal(EditionProblem.AlreadySent, again.Problem);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Editors_reorder_remove_and_write_an_intro_and_a_change_after_approval_needs_a_new_approval(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var a = await PostAsync(services, "News A", PostKind.News, new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero));
        var b = await PostAsync(services, "News B", PostKind.News, new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero));
        var c = await PostAsync(services, "News C", PostKind.News, new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero));
        var report = await PostAsync(services, "Report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        await PassAsync(services);
        var edition = await StoredAsync(services);
        async Task<List<int>> Order() => (await EditAsync(services, s => s.ItemsAsync(edition.Id, Ct))).Select(i => i.Post.Id).ToList();
        Assert.Equal([report.Id, c.Id, b.Id, a.Id], await Order());

        // Up within its section; the first of a section does not jump into the one above.
        await EditAsync(services, s => s.MoveAsync(edition.Id, a.Id, up: true, null, Ct));
        Assert.Equal([report.Id, c.Id, a.Id, b.Id], await Order());
        await EditAsync(services, s => s.MoveAsync(edition.Id, c.Id, up: true, null, Ct));
        Assert.Equal([report.Id, c.Id, a.Id, b.Id], await Order());
        await EditAsync(services, s => s.MoveAsync(edition.Id, c.Id, up: false, null, Ct));
        Assert.Equal([report.Id, a.Id, c.Id, b.Id], await Order());

        await EditAsync(services, s => s.ApproveAsync(edition.Id, null, Ct));
        await EditAsync(services, s => s.RemoveAsync(edition.Id, b.Id, null, Ct));
        Assert.Equal([report.Id, a.Id, c.Id], await Order());
        var changed = await StoredAsync(services);
        Assert.Equal(EditionStatus.Draft, changed.Status);
        Assert.NotNull(changed.CuratedAt);

        await EditAsync(services, s => s.UpdateTextAsync(edition.Id, " A calmer fortnight ", "First paragraph.\r\n\r\nSecond.", null, Ct));
        var texted = await StoredAsync(services);
        Assert.Equal("A calmer fortnight", texted.Subject);
        Assert.Equal("First paragraph.\n\nSecond.", texted.Intro);

        var bad = await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.UpdateTextAsync(edition.Id, "Two\nlines", null, null, Ct)));
        Assert.Equal(EditionProblem.InvalidText, bad.Problem);
        await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.UpdateTextAsync(edition.Id, null, new string('x', Edition.MaxIntroLength + 1), null, Ct)));
        Assert.Equal("A calmer fortnight", (await StoredAsync(services)).Subject);
        var unknown = await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.RemoveAsync(edition.Id, b.Id, null, Ct)));
        Assert.Equal(EditionProblem.UnknownPost, unknown.Problem);

        // A curated draft is left alone by the scheduler's refresh, and holding it keeps it back at its time.
        services.Clock.SetUtcNow(SendTime.AddMinutes(1));
        Assert.Equal(0, (await PassAsync(services)).Started);
        await EditAsync(services, s => s.HoldAsync(edition.Id, null, Ct));
        Assert.Equal(0, (await PassAsync(services)).Started);
        Assert.Equal([report.Id, a.Id, c.Id], await Order());
        Assert.Equal(EditionStatus.Held, (await StoredAsync(services)).Status);

        // Approving once its time has passed is an editor's "send now".
        Assert.True(await EditAsync(services, s => s.ApproveAsync(edition.Id, null, Ct)));
        Assert.Equal(EditionStatus.Sending, (await StoredAsync(services)).Status);
        var send = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(Ct));
        Assert.Equal("A calmer fortnight", send.Subject);
    }

    [Fact]
    public async Task Concurrent_passes_on_postgres_hand_each_edition_over_once()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Postgres, requireApproval: false);
        await PostAsync(services, "A report", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero));
        await PostAsync(services, "تقرير", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "ar");
        services.Clock.SetUtcNow(SendTime.AddMinutes(1));
        var passes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PassAsync(services), Ct)));
        Assert.Equal(2, passes.Sum(p => p.Started));
        var sends = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().CountAsync(s => s.Kind == SendKind.Edition, Ct));
        Assert.Equal(2, sends);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_test_send_reaches_one_address_marked_as_a_test_with_no_placeholder_left(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        await PostAsync(services, "تقرير", PostKind.Report, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "ar");
        services.Clock.SetUtcNow(SendTime.AddHours(-20));
        await PassAsync(services);
        var arabic = await StoredAsync(services, "ar");

        var refused = await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.SendTestAsync(arabic.Id, "not an address", Ct)));
        Assert.Equal(EditionProblem.InvalidAddress, refused.Problem);
        var result = await EditAsync(services, s => s.SendTestAsync(arabic.Id, "editor@example.org", Ct));
        Assert.Equal(TransportOutcome.Sent, result.Outcome);

        var outbox = new OutboxReader(await services.InScopeAsync(sp => Task.FromResult(sp.GetRequiredService<IOptions<BroadsheetOptions>>().Value.DataDirectory)));
        var message = outbox.Read(Assert.Single(outbox.List()))!;
        Assert.StartsWith("[تجربة] ", message.Subject, StringComparison.Ordinal);
        Assert.Equal("editor@example.org", message.To.Mailboxes.Single().Address);
        Assert.DoesNotContain("{{", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", message.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.CountAsync(Ct)));
        Assert.Equal(EditionStatus.Draft, (await StoredAsync(services, "ar")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_special_edition_carries_the_chosen_posts_and_their_translations_and_goes_out_when_approved(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var english = await PostAsync(services, "Breaking", PostKind.News, new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), "en");
        var arabic = await PostAsync(services, "عاجل", PostKind.News, new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), "ar", english.Id);
        var draft = await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = PostKind.News, Language = "en", Title = "Not yet", Lede = "Draft.", BodyMarkdown = "Body.", Status = PostStatus.Draft,
        }, Ct));

        var notPublic = await Assert.ThrowsAsync<EditionException>(() => EditAsync(services, s => s.CreateSpecialAsync(["en"], [english.Id, draft.Id], "Breaking", null, null, Ct)));
        Assert.Equal(EditionProblem.UnknownPost, notPublic.Problem);
        Assert.Equal(0, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.CountAsync(Ct)));

        var made = await EditAsync(services, s => s.CreateSpecialAsync(["en", "ar"], [english.Id], "Breaking: the dam", "Read this first.", null, Ct));
        Assert.Equal(["en", "ar"], made.Select(e => e.Language));
        Assert.All(made, e => Assert.Equal(Edition.Special, e.Newsletter));
        Assert.All(made, e => Assert.Equal("2026-11-20-1", e.PeriodKey, ignoreCase: false));
        Assert.Equal([arabic.Id], (await EditAsync(services, s => s.ItemsAsync(made[1].Id, Ct))).Select(i => i.Post.Id));

        // A special edition never counts against the digest: the same post can still be chosen for it.
        Assert.True(await EditAsync(services, s => s.ApproveAsync(made[0].Id, null, Ct)));
        var send = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(SendKind.Campaign, send.Kind);
        Assert.Equal("Breaking: the dam", send.Subject);
        var second = await EditAsync(services, s => s.CreateSpecialAsync(["en"], [english.Id], null, null, null, Ct));
        Assert.Equal("2026-11-20-2", second.Single().PeriodKey);
    }
}
