using System.Diagnostics.CodeAnalysis;
using Broadsheet.Delivery;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Broadsheet.Web.Admin.Settings;

/// <summary>The settings page (administrators and the owner): save, make a DKIM key, send a test mail.</summary>
internal static class AdminSettingsRoutes
{
    public static void MapAdminSettings(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var settings = admin.MapGroup("/settings").RequireAuthorization(AdminAuth.ManagersPolicy);
        settings.MapGet("/", Show);
        settings.MapPost("/", Save);
        settings.MapPost("/dkim", MakeDkimKey);
        settings.MapPost("/test", SendTest);
    }

    [SuppressMessage("Performance", "CA1859", Justification = RouteHandlers.ReturnsIResult)]
    private static IResult Show(HttpContext context, SettingsService settings, DkimMessageSigner dkim, string? notice) =>
        Page(context, settings, dkim, settings.Current(), notice: notice == "saved" ? SettingsText.For(context.Member().Language).Saved : null);

    private static async Task<IResult> Save(HttpContext context, SettingsService settings, DkimMessageSigner dkim, IEnumerable<IContentChangeListener> pages, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var proposed = SettingsService.Keys.ToDictionary(k => k, k => form.TryGetValue(k, out var v) ? (string?)v.ToString() : null);

        // Checkboxes send "false" from their hidden twin and "true" when ticked: the last value wins.
        foreach (var key in new[] { SettingsService.TrackOpens, SettingsService.TrackClicks, SettingsService.RequireApproval })
        {
            proposed[key] = form[key].LastOrDefault() ?? "false";
        }

        var errors = await settings.SaveAsync(proposed, form["clear-password"] == "on", context.Member().Id, ct);
        if (errors.Count == 0)
        {
            // The publication's name and address are on every public page: cached copies go (all of them: which one a
            // single listener would be depends on the order of registration).
            foreach (var listener in pages)
            {
                await listener.ContentChangedAsync(ct);
            }

            return AdminPage.Done("/admin/settings", "saved");
        }

        // The page again with what was typed (never the password) and every reason, nothing saved.
        var shown = settings.Current().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, value) in proposed.Where(p => p.Value is not null && p.Key != SettingsService.SmtpPassword))
        {
            shown[key] = value!;
        }

        var language = context.Member().Language;
        return Page(context, settings, dkim, shown, string.Join(" ", errors.Select(e => e.In(language))), errors.Select(e => e.Key).ToHashSet(), StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> MakeDkimKey(HttpContext context, SettingsService settings, DkimMessageSigner dkim)
    {
        var form = await AdminPage.FormAsync(context);
        var text = SettingsText.For(context.Member().Language);
        var domain = form[SettingsService.DkimDomain].ToString().Trim().ToLowerInvariant();
        var selector = form[SettingsService.DkimSelector].ToString().Trim();
        var shown = settings.Current().ToDictionary(p => p.Key, p => p.Value);
        shown[SettingsService.DkimDomain] = domain;
        shown[SettingsService.DkimSelector] = selector;
        if (DkimIdentity.TryCreate(domain, selector, out var identity, out _) is false)
        {
            return Page(context, settings, dkim, shown, SettingsError(context), [SettingsService.DkimDomain, SettingsService.DkimSelector], StatusCodes.Status400BadRequest);
        }

        if (settings.HasDkimKey(identity!.Domain, identity.Selector))
        {
            return Page(context, settings, dkim, shown, text.KeyExists, [SettingsService.DkimSelector], StatusCodes.Status400BadRequest);
        }

        var record = settings.CreateDkimKey(identity.Domain, identity.Selector);
        return Page(context, settings, dkim, shown, notice: text.KeyMade, record: record);
    }

    private static async Task<IResult> SendTest(HttpContext context, SettingsService settings, MailSettingsCheck check, DkimMessageSigner dkim, CancellationToken ct)
    {
        var me = context.Member();
        var text = SettingsText.For(me.Language);
        var result = await check.SendTestAsync(me.Email, me.Language, ct);
        var current = settings.Current();
        var words = View(context).Format(result.Outcome == TransportOutcome.Sent ? text.TestSent : text.TestFailed, result.Detail);
        return result.Outcome == TransportOutcome.Sent
            ? Page(context, settings, dkim, current, notice: words)
            : Page(context, settings, dkim, current, words, [], StatusCodes.Status502BadGateway);
    }

    private static RazorComponentResult<SettingsPage> Page(
        HttpContext context, SettingsService settings, DkimMessageSigner dkim, IReadOnlyDictionary<string, string> values,
        string? error = null, IReadOnlyCollection<string>? invalid = null, int status = StatusCodes.Status200OK, string? notice = null, DkimDnsRecord? record = null)
    {
        var shown = values.Where(v => v.Key != SettingsService.SmtpPassword).ToDictionary(v => v.Key, v => v.Value);
        var defaults = settings.Defaults().Where(v => v.Key != SettingsService.SmtpPassword).ToDictionary(v => v.Key, v => v.Value);
        return AdminPage.Render<SettingsPage>(context, AdminText.For(context.Member().Language).Settings, new()
        {
            ["Values"] = shown, ["Defaults"] = defaults, ["HasPassword"] = settings.HasSmtpPassword, ["DkimIdentity"] = dkim.Identity,
            ["DkimRecord"] = record ?? DkimRecord(dkim), ["Invalid"] = invalid ?? [],
        }, status, error, notice);
    }

    /// <summary>The DNS record of the key being signed with, or null when signing is off.</summary>
    private static DkimDnsRecord? DkimRecord(DkimMessageSigner dkim) =>
        dkim is { Enabled: true, Identity: { } identity, KeyFile: { } file } ? DkimKeyFile.ReadRecord(file, identity) : null;

    private static AdminText View(HttpContext context) => AdminText.For(context.Member().Language);

    private static string SettingsError(HttpContext context) => context.Member().Language == Broadsheet.Language.Arabic
        ? "أدخل نطاقاً (مثل example.org) ومحدِّداً من أحرف وأرقام وشرطات."
        : "Enter a domain (such as example.org) and a selector of letters, digits and hyphens.";
}
