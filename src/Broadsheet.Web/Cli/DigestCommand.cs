using System.CommandLine;
using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Cli;

/// <summary><c>digest preview | status | send-now</c>: the twice-monthly digest from the command line.</summary>
internal static class DigestCommand
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm";

    public static Command Create() => new("digest", "Preview the next digest edition, see the schedule and the editions, send one now.")
    {
        Preview(),
        Status(),
        SendNow(),
    };

    private static Command Preview()
    {
        var lang = new Option<string?>("--lang") { Description = "The edition's language: en or ar (default: the site's first language)." };
        var at = new Option<string?>("--at") { Description = "A time (the publication's local time, e.g. 2026-12-01T09:00): the edition of the first send time at or after it. Default: the next one." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the HTML email to this file; without it the plain-text part is printed." };
        var command = new Command("preview", "Show an edition as readers would get it; one not prepared yet is chosen as if now, and nothing is written.") { lang, at, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            var options = host.Options();
            var language = (result.GetValue(lang) ?? options.DefaultLanguage).Trim().ToLowerInvariant();
            if (!options.EffectiveLanguages.Contains(language))
            {
                return CliHost.Fail($"unknown language '{language}': use {string.Join(" or ", options.EffectiveLanguages)}.");
            }

            var zone = options.ResolveTimeZone();
            var from = DateTimeOffset.UtcNow;
            if (result.GetValue(at) is { } text && !TryLocalTime(text, zone, out from))
            {
                return CliHost.Fail($"--at '{text}' is not a time: write it as 2026-12-01T09:00 (the publication's local time, {zone.Id}).");
            }

            await using var scope = host.Services.CreateAsyncScope();
            try
            {
                var (edition, rendered, prepared) = await scope.ServiceProvider.GetRequiredService<EditionService>().PreviewAsync(language, from, cancellationToken);
                var items = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().EditionItems.CountAsync(i => i.EditionId == edition.Id, cancellationToken);
                await Console.Error.WriteLineAsync(
                    $"{edition.PeriodKey} ({language}), sends {Local(edition.ScheduledFor, zone)} {zone.Id}; " +
                    (prepared ? $"prepared, {edition.Status.ToString().ToLowerInvariant()}, {items} post(s)." : "not prepared yet: as it would be if prepared now.") +
                    $"\nSubject: {rendered.Subject}");
                if (result.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, rendered.Html, cancellationToken);
                    await Console.Error.WriteLineAsync($"HTML written to {file.FullName}.");
                }
                else
                {
                    await Console.Out.WriteAsync(rendered.Text);
                }

                return 0;
            }
            catch (EditionException e)
            {
                return CliHost.Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CliHost.Fail($"cannot write the file: {e.Message}");
            }
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "The schedule, the next send time and the editions (coming and past) with their progress.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            var options = host.Options();
            var zone = options.ResolveTimeZone();
            await using var scope = host.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var schedule = services.GetRequiredService<EditionPlanner>().Schedule();
            var editions = services.GetRequiredService<EditionService>();
            // Editions whose send finished while no instance was running are shown as sent, not as still sending.
            await editions.FinishSentAsync(cancellationToken);
            var next = schedule.Next(DateTimeOffset.UtcNow);
            await Console.Out.WriteLineAsync($"Schedule: {options.Newsletter.Schedule} ({zone.Id}); editions {(options.Newsletter.RequireApproval ? "wait for an editor's approval" : "send themselves at their time")}.");
            await Console.Out.WriteLineAsync(next is { } n
                ? $"Next send time: {Local(n.UtcDateTime, zone)} ({schedule.PeriodKey(n)}), prepared from {Local((n - options.Newsletter.PrepareAhead).UtcDateTime, zone)}."
                : "Next send time: none (the schedule never fires again).");

            var list = await services.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking()
                .OrderByDescending(e => e.ScheduledFor).ThenBy(e => e.Language).Take(20).ToListAsync(cancellationToken);
            if (list.Count == 0)
            {
                await Console.Out.WriteLineAsync("No editions yet.");
                return 0;
            }

            foreach (var edition in list)
            {
                var progress = await editions.ProgressAsync(edition, cancellationToken);
                var numbers = edition.SendId is null ? "" : $"\t{progress.Sent}/{progress.Recipients} sent, {progress.Failed} failed, {progress.Bounced} bounced, {progress.Complaints} complaints";
                await Console.Out.WriteLineAsync(
                    $"{edition.Newsletter}\t{edition.PeriodKey}\t{edition.Language}\t{edition.Status.ToString().ToLowerInvariant()}\t{Local(edition.ScheduledFor, zone)}{numbers}");
            }

            return 0;
        });
        return command;
    }

    private static Command SendNow()
    {
        var period = new Option<string>("--period") { Description = "The period key, e.g. 2026-12-A (digest status lists them).", Required = true };
        var lang = new Option<string?>("--lang") { Description = "Only this language's edition (default: every language)." };
        var yes = new Option<bool>("--yes") { Description = "Confirm: the edition goes to every active subscriber of its language now." };
        var command = new Command("send-now", "Send a period's digest edition(s) now, whatever their time or approval; prepares them first if needed.") { period, lang, yes };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            var options = host.Options();
            var language = result.GetValue(lang)?.Trim().ToLowerInvariant();
            if (language is not null && !options.EffectiveLanguages.Contains(language))
            {
                return CliHost.Fail($"unknown language '{language}': use {string.Join(" or ", options.EffectiveLanguages)}.");
            }

            await using var scope = host.Services.CreateAsyncScope();
            var editions = scope.ServiceProvider.GetRequiredService<EditionService>();
            var key = result.GetValue(period)!.Trim();
            try
            {
                if (!result.GetValue(yes))
                {
                    // Saying what it would do writes nothing: the editions are only looked up.
                    var audience = new List<string>();
                    foreach (var l in language is null ? options.EffectiveLanguages : [language])
                    {
                        audience.Add($"{l}: {await editions.AudienceAsync(l, cancellationToken)} subscriber(s)");
                    }

                    return CliHost.Fail($"this sends the {key} edition now ({string.Join(", ", audience)}). Add --yes to confirm.");
                }

                var failures = 0;
                foreach (var edition in await editions.EnsurePeriodAsync(key, language, cancellationToken))
                {
                    try
                    {
                        await editions.SendNowAsync(edition.Id, null, cancellationToken);
                        await Console.Out.WriteLineAsync(
                            $"{edition.PeriodKey} ({edition.Language}) handed to the delivery engine for {await editions.AudienceAsync(edition.Language, cancellationToken)} subscriber(s); the running instance (or `deliver`) sends it.");
                    }
                    catch (EditionException e)
                    {
                        failures++;
                        await Console.Error.WriteLineAsync($"error: {edition.PeriodKey} ({edition.Language}): {e.Message}");
                    }
                }

                return failures == 0 ? 0 : 1;
            }
            catch (EditionException e)
            {
                return CliHost.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>A local time in the publication's zone (or a time with its own offset).</summary>
    internal static bool TryLocalTime(string text, TimeZoneInfo zone, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) && HasOffset(text))
        {
            value = withOffset;
            return true;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            value = new DateTimeOffset(local, zone.IsInvalidTime(local) ? zone.GetUtcOffset(local.AddHours(1)) : zone.GetUtcOffset(local));
            return true;
        }

        value = default;
        return false;
    }

    private static bool HasOffset(string text) => text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    private static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString(TimeFormat, CultureInfo.InvariantCulture);
}
