using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.Delivery;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Cli;

/// <summary>`-- digest preview | status | send-now` run as a user runs them: the real executable in a child process.</summary>
public sealed class DigestCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Post> PostAsync(TestServices services, string title, PostKind kind, string language) =>
        services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = kind, Language = language, Title = title, Lede = $"{title}: the lede.", BodyMarkdown = "Body.",
            Status = PostStatus.Published, PublishAt = DateTime.UtcNow.AddHours(-1),
        }, Ct));

    private static Task<List<Edition>> EditionsAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Editions.AsNoTracking().OrderBy(e => e.Language).ToListAsync(Ct));

    [Fact]
    public async Task Preview_writes_nothing_status_tells_the_schedule_and_send_now_asks_for_yes_then_sends_once()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        await using var services = await TestServices.CreateAsync(environment, DateTimeOffset.UtcNow);
        var report = await PostAsync(services, "Salt in the river delta", PostKind.Report, "en");
        var news = await PostAsync(services, "انقطاع الكهرباء في المدينة", PostKind.News, "ar");
        var schedule = new DigestSchedule("0 9 1,15 * *", TimeZoneInfo.FindSystemTimeZoneById("Asia/Damascus"));
        var key = schedule.PeriodKey(schedule.Next(DateTimeOffset.UtcNow)!.Value);

        // Preview: the English edition to a file, the Arabic one's text on standard output; nothing is written.
        var file = Path.Combine(environment.DataDirectory, "preview.html");
        var english = await CliProcess.RunAsync(environment, "digest", "preview", "--lang", "en", "--out", file);
        Assert.Equal(0, english.ExitCode);
        Assert.Contains(key, english.Error, StringComparison.Ordinal);
        Assert.Contains("not prepared yet", english.Error, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(file, Ct);
        Assert.Contains(report.Title, html, StringComparison.Ordinal);
        Assert.Contains("lang=\"en\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
        var arabic = await CliProcess.RunAsync(environment, "digest", "preview", "--lang", "ar");
        Assert.Equal(0, arabic.ExitCode);
        Assert.Contains(news.Title, arabic.Out, StringComparison.Ordinal);
        Assert.Empty(await EditionsAsync(services));

        // Bad input: a clear message, exit 1.
        var language = await CliProcess.RunAsync(environment, "digest", "preview", "--lang", "fr");
        Assert.Equal(1, language.ExitCode);
        Assert.Contains("unknown language 'fr'", language.Error, StringComparison.Ordinal);
        var time = await CliProcess.RunAsync(environment, "digest", "preview", "--at", "next tuesday");
        Assert.Equal(1, time.ExitCode);
        Assert.Contains("is not a time", time.Error, StringComparison.Ordinal);
        var period = await CliProcess.RunAsync(environment, "digest", "send-now", "--period", "1999-13-Z", "--yes");
        Assert.Equal(1, period.ExitCode);
        Assert.Contains("is not a period of the schedule", period.Error, StringComparison.Ordinal);

        var status = await CliProcess.RunAsync(environment, "digest", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Schedule: 0 9 1,15 * * (Asia/Damascus)", status.Out, StringComparison.Ordinal);
        Assert.Contains($"({key})", status.Out, StringComparison.Ordinal);
        Assert.Contains("No editions yet.", status.Out, StringComparison.Ordinal);

        // Without --yes it says what it would do and does nothing.
        await DeliveryDispatcherTests.AddSubscriberAsync(services, "reader@example.org");
        var unconfirmed = await CliProcess.RunAsync(environment, "digest", "send-now", "--period", key);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("Add --yes to confirm", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Contains("en: 1 subscriber(s)", unconfirmed.Error, StringComparison.Ordinal);
        Assert.Empty(await EditionsAsync(services));

        // With it, both languages' editions are prepared and handed to the delivery engine, once.
        var sent = await CliProcess.RunAsync(environment, "digest", "send-now", "--period", key, "--yes");
        Assert.Equal(0, sent.ExitCode);
        Assert.Contains($"{key} (en) handed to the delivery engine for 1 subscriber(s)", sent.Out, StringComparison.Ordinal);
        var editions = await EditionsAsync(services);
        Assert.Equal(["ar", "en"], editions.Select(e => e.Language));
        Assert.All(editions, e => Assert.Equal(EditionStatus.Sending, e.Status));
        Assert.Equal(2, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.CountAsync(s => s.Kind == SendKind.Edition, Ct)));

        var again = await CliProcess.RunAsync(environment, "digest", "send-now", "--period", key, "--lang", "en", "--yes");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already gone to the delivery engine", again.Error, StringComparison.Ordinal);
        Assert.Equal(2, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.CountAsync(Ct)));

        var listed = await CliProcess.RunAsync(environment, "digest", "status");
        Assert.Contains($"digest\t{key}\ten\tsending", listed.Out, StringComparison.Ordinal);
    }
}
