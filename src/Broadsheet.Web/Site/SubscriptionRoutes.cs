using System.Diagnostics.CodeAnalysis;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>
/// Signup, confirmation, unsubscribe and preferences. The forms carry no antiforgery token on purpose:
/// the signup box sits on output-cached public pages, a forged signup only sends a confirmation mail
/// (rate-limited, once a day per address), and the other forms act on a signed token in their URL.
/// </summary>
internal static class SubscriptionRoutes
{
    public const string RateLimitedPrefix = "subscription";

    public static void MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{lang:lang}/subscribe", SubscribeForm);
        app.MapPost("/{lang:lang}/subscribe", Subscribe).DisableAntiforgery();
        app.MapGet("/confirm/{token}", ConfirmForm);
        app.MapPost("/confirm/{token}", Confirm).DisableAntiforgery();
        app.MapGet("/unsubscribe/{token}", UnsubscribeForm);
        app.MapPost("/unsubscribe/{token}", Unsubscribe).DisableAntiforgery();
        app.MapGet("/preferences/{token}", PreferencesForm);
        app.MapPost("/preferences/{token}", SavePreferences).DisableAntiforgery();
    }

    [SuppressMessage("Performance", "CA1859", Justification = RouteHandlers.ReturnsIResult)]
    private static IResult SubscribeForm(string lang, HttpContext context, IOptions<BroadsheetOptions> options) =>
        Page(context, lang, options.Value, SiteText.For(lang).SubscribePageTitle, SiteText.For(lang).NewsletterBody,
            $"/{lang}/subscribe", new() { ["Kind"] = "signup", ["Source"] = "subscribe-page" });

    private static async Task<IResult> Subscribe(string lang, HttpContext context, SubscriptionService subscriptions, AddressProtector protector,
        IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var text = SiteText.For(lang);
        var form = await ReadFormAsync(context, ct);
        var done = Page(context, lang, options.Value, text.CheckInboxTitle, text.CheckInboxBody, $"/{lang}/subscribe", form: null);
        if (!string.IsNullOrEmpty(form.Get("website")))
        {
            return done; // The honeypot was filled in: a bot. It is told what a person would be told, and nothing happens.
        }

        var email = form.Get("email");
        var result = await subscriptions.SignupAsync(new SignupRequest
        {
            Email = email,
            Name = form.Get("name"),
            Languages = ParseLanguages(form.Get("languages")),
            PageLanguage = lang,
            Source = SourceOf(form.Get("source")),
            IpHash = context.Connection.RemoteIpAddress is { } ip ? protector.HashIp(ip.ToString()) : null,
        }, ct);
        if (result.Accepted)
        {
            return done;
        }

        return Page(context, lang, options.Value, text.SubscribePageTitle, null, $"/{lang}/subscribe", new()
        {
            ["Kind"] = "signup", ["Email"] = email is { Length: <= 254 } ? email : null, ["Error"] = EmailAddressMessages.For(result.Error, lang),
        }, StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ConfirmForm(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var subscriber = await subscriptions.FindPendingAsync(token, ct);
        var lang = subscriber is null ? SiteRoutes.LanguageOfRequest(context, options.Value) : LanguageFor(subscriber, SiteRoutes.LanguageOfRequest(context, options.Value));
        var text = SiteText.For(lang);
        return subscriber is not null
            ? Page(context, lang, options.Value, text.ConfirmTitle, text.ConfirmBody, "/confirm", new() { ["Kind"] = "confirm", ["Action"] = $"/confirm/{token}" })
            : InvalidLink(context, lang, options.Value);
    }

    private static async Task<IResult> Confirm(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var lang = SiteRoutes.LanguageOfRequest(context, options.Value);
        var text = SiteText.For(lang);
        return await subscriptions.ConfirmAsync(token, "confirm-page", ct) is { } subscriber
            ? Page(context, LanguageFor(subscriber, lang), options.Value, SiteText.For(LanguageFor(subscriber, lang)).ConfirmedTitle,
                SiteText.For(LanguageFor(subscriber, lang)).ConfirmedBody, "/confirm", form: null)
            : InvalidLink(context, lang, options.Value);
    }

    private static async Task<IResult> UnsubscribeForm(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var subscriber = await subscriptions.FindByManageTokenAsync(token, ct);
        var lang = subscriber is null ? SiteRoutes.LanguageOfRequest(context, options.Value) : LanguageFor(subscriber, SiteRoutes.LanguageOfRequest(context, options.Value));
        if (subscriber is null)
        {
            return InvalidLink(context, lang, options.Value);
        }

        var text = SiteText.For(lang);
        return Page(context, lang, options.Value, text.UnsubscribeTitle, text.UnsubscribeBody, "/unsubscribe", new()
        {
            ["Kind"] = "unsubscribe", ["Action"] = $"/unsubscribe/{token}", ["PreferencesPath"] = $"/preferences/{token}",
        });
    }

    /// <summary>
    /// The page's button and the RFC 8058 one-click POST (body <c>List-Unsubscribe=One-Click</c>) both land
    /// here; the one-click gets a plain 200 with no cookie, login or redirect, as mail providers expect.
    /// </summary>
    private static async Task<IResult> Unsubscribe(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var form = await ReadFormAsync(context, ct);
        var oneClick = string.Equals(form.Get("List-Unsubscribe"), "One-Click", StringComparison.Ordinal);
        var done = await subscriptions.UnsubscribeAsync(token, oneClick ? "one-click" : "unsubscribe-page", ct);
        if (oneClick)
        {
            return done ? Results.Text("Unsubscribed.\n", "text/plain; charset=utf-8") : Results.BadRequest();
        }

        var subscriber = done ? await subscriptions.FindByManageTokenAsync(token, ct) : null;
        var lang = subscriber is null ? SiteRoutes.LanguageOfRequest(context, options.Value) : LanguageFor(subscriber, SiteRoutes.LanguageOfRequest(context, options.Value));
        if (!done)
        {
            return InvalidLink(context, lang, options.Value);
        }

        var text = SiteText.For(lang);
        return Page(context, lang, options.Value, text.UnsubscribedTitle, text.UnsubscribedBody, "/unsubscribe", new()
        {
            ["Kind"] = "unsubscribed", ["PreferencesPath"] = $"/preferences/{token}",
        });
    }

    private static async Task<IResult> PreferencesForm(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct) =>
        await subscriptions.FindByManageTokenAsync(token, ct) is { } subscriber
            ? Preferences(context, token, subscriber, saved: false, options.Value)
            : InvalidLink(context, SiteRoutes.LanguageOfRequest(context, options.Value), options.Value);

    private static async Task<IResult> SavePreferences(string token, HttpContext context, SubscriptionService subscriptions, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var form = await ReadFormAsync(context, ct);
        var subscribe = string.Equals(form.Get("subscribed"), "on", StringComparison.Ordinal);
        var subscriber = await subscriptions.FindByManageTokenAsync(token, ct);
        if (subscriber is null)
        {
            return InvalidLink(context, SiteRoutes.LanguageOfRequest(context, options.Value), options.Value);
        }

        if (!subscribe && subscriber.Status == SubscriberStatus.Active)
        {
            await subscriptions.UnsubscribeAsync(token, "preferences", ct);
        }

        subscriber = await subscriptions.UpdatePreferencesAsync(token, ParseLanguages(form.Get("languages")), subscribe, ct);
        return Preferences(context, token, subscriber!, saved: true, options.Value);
    }

    private static RazorComponentResult<SubscriptionPage> Preferences(HttpContext context, string token, Subscriber subscriber, bool saved, BroadsheetOptions options)
    {
        var lang = LanguageFor(subscriber, SiteRoutes.LanguageOfRequest(context, options));
        return Page(context, lang, options, SiteText.For(lang).PreferencesTitle, null, "/preferences", new()
        {
            ["Kind"] = "preferences", ["Action"] = $"/preferences/{token}", ["UnsubscribePath"] = $"/unsubscribe/{token}",
            ["Active"] = subscriber.Status == SubscriberStatus.Active, ["Saved"] = saved,
            ["Languages"] = subscriber.Languages switch { NewsletterLanguages.Arabic => "ar", NewsletterLanguages.English => "en", _ => "both" },
        });
    }

    private static RazorComponentResult<SubscriptionPage> InvalidLink(HttpContext context, string lang, BroadsheetOptions options)
    {
        var text = SiteText.For(lang);
        return Page(context, lang, options, text.LinkInvalidTitle, text.LinkInvalidBody, "/subscribe", new() { ["Kind"] = "signup" },
            StatusCodes.Status400BadRequest);
    }

    private static RazorComponentResult<SubscriptionPage> Page(HttpContext context, string lang, BroadsheetOptions options, string heading, string? body, string path,
        Dictionary<string, object?>? form, int status = StatusCodes.Status200OK)
    {
        // Token-bearing pages are private to one reader: never cached, never indexed, never referred on.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var meta = new PageMeta
        {
            Language = lang, Title = heading, Path = path.StartsWith($"/{lang}/", StringComparison.Ordinal) ? path : $"/{lang}/subscribe",
            SwitchPath = $"/{Language.Other(lang)}/subscribe", NoIndex = true,
        };
        Microsoft.AspNetCore.Components.RenderFragment? content = form is null ? null : builder =>
        {
            builder.OpenComponent<SubscriptionForms>(0);
            builder.AddComponentParameter(1, nameof(SubscriptionForms.Language), lang);
            builder.AddMultipleAttributes(2, form.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, kv.Value!)));
            builder.CloseComponent();
        };
        return new RazorComponentResult<SubscriptionPage>(new Dictionary<string, object?>
        {
            ["Meta"] = meta, ["Options"] = options, ["Heading"] = heading, ["Body"] = body, ["ChildContent"] = content,
        })
        { StatusCode = status };
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpContext context, CancellationToken ct) =>
        context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : FormCollection.Empty;

    private static NewsletterLanguages ParseLanguages(string? value) => value switch
    {
        "ar" => NewsletterLanguages.Arabic,
        "en" => NewsletterLanguages.English,
        "both" => NewsletterLanguages.Both,
        _ => NewsletterLanguages.None,
    };

    private static string SourceOf(string? source) =>
        source is { Length: > 0 and <= 300 } && source.StartsWith('/') ? "form:" + source : "form";

    private static string LanguageFor(Subscriber subscriber, string fallback) => subscriber.Languages switch
    {
        NewsletterLanguages.Arabic => Language.Arabic,
        NewsletterLanguages.English => Language.English,
        _ => fallback,
    };
}

file static class FormExtensions
{
    public static string? Get(this IFormCollection form, string key) =>
        form.TryGetValue(key, out var value) ? value.ToString() : null;
}
