using System.CommandLine;
using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Cli;

/// <summary>
/// <c>sends create | list | resume</c> and <c>deliver</c>: the outbox from the command line. <c>deliver</c> runs the
/// same dispatcher the web host runs, in the foreground (a sending-only instance, or a one-off drain).
/// </summary>
internal static class SendsCommand
{
    public static Command Create() => new("sends", "Create, list and resume mailings (sends).")
    {
        CreateCampaign(),
        List(),
        Resume(),
    };

    public static Command Deliver()
    {
        var untilIdle = new Option<bool>("--until-idle") { Description = "Stop when nothing is left that can be sent now, instead of running until stopped." };
        var command = new Command("deliver", "Send the outbox's mail in the foreground; Ctrl+C (SIGTERM) stops claiming and finishes what is in flight.") { untilIdle };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            var dispatcher = host.Services.GetRequiredService<DeliveryDispatcher>();
            // On PostgreSQL a sending-only instance follows what an administrator saves on another (the relay, its
            // limits, DKIM), as a web instance does.
            using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var listening = host.Services.GetService<Broadsheet.Cluster.ClusterListener>()?.RunAsync(following.Token) ?? Task.CompletedTask;
            try
            {
                if (result.GetValue(untilIdle))
                {
                    await dispatcher.RunUntilIdleAsync(cancellationToken);
                }
                else
                {
                    await dispatcher.RunAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped by the operator: in-flight mail was finished and recorded.
            }
            finally
            {
                await following.CancelAsync();
                await listening;
            }

            await Console.Error.WriteLineAsync("Delivery stopped.");
            return 0;
        });
        return command;
    }

    private static Command CreateCampaign()
    {
        var lang = new Option<string>("--lang") { Description = "The language of the mailing: en or ar. It goes to the active subscribers of that language.", Required = true };
        var subject = new Option<string>("--subject") { Description = "The subject line.", Required = true };
        var html = new Option<FileInfo?>("--html") { Description = "The HTML body. {{unsubscribe_url}} and {{preferences_url}} are filled in per reader." };
        var text = new Option<FileInfo?>("--text") { Description = "The plain-text body, with the same placeholders." };
        var command = new Command("create", "Queue a one-off mailing (a special edition) to every active subscriber of a language.") { lang, subject, html, text };
        command.SetAction(async (result, cancellationToken) =>
        {
            string htmlBody, textBody;
            try
            {
                htmlBody = result.GetValue(html) is { } h ? await File.ReadAllTextAsync(h.FullName, cancellationToken) : "";
                textBody = result.GetValue(text) is { } t ? await File.ReadAllTextAsync(t.FullName, cancellationToken) : "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CliHost.Fail($"cannot read the body: {e.Message}");
            }

            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            try
            {
                var send = await scope.ServiceProvider.GetRequiredService<SendService>()
                    .CreateCampaignAsync(result.GetValue(lang)!.Trim(), result.GetValue(subject)!, htmlBody, textBody, cancellationToken);
                await Console.Out.WriteLineAsync(send.Id.ToString(CultureInfo.InvariantCulture));
                await Console.Error.WriteLineAsync($"Send {send.Id} queued; the running instance (or `deliver`) sends it.");
                return 0;
            }
            catch (ArgumentException e)
            {
                return CliHost.Fail(e.Message.Split(" (Parameter", 2)[0]);
            }
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "The latest sends with their progress.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var sends = await db.Sends.AsNoTracking().Where(s => s.Kind != SendKind.Confirmation).OrderByDescending(s => s.Id).Take(20).ToListAsync(cancellationToken);
            if (sends.Count == 0)
            {
                await Console.Out.WriteLineAsync("No mailings yet.");
                return 0;
            }

            var ids = sends.Select(s => s.Id).ToList();
            var counts = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.SendId))
                .GroupBy(d => new { d.SendId, d.State }).Select(g => new { g.Key.SendId, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken);
            foreach (var send in sends)
            {
                var states = string.Join(", ", counts.Where(c => c.SendId == send.Id).OrderBy(c => c.State).Select(c => $"{c.State.ToString().ToLowerInvariant()} {c.Count}"));
                await Console.Out.WriteLineAsync($"{send.Id}\t{send.Kind}\t{send.Language}\t{send.Status}\t{send.Recipients} recipient{(send.Recipients == 1 ? "" : "s")}\t{states}\t{send.Subject}");
                if (send.FailureReason is not null)
                {
                    await Console.Out.WriteLineAsync($"\treason: {send.FailureReason}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Resume()
    {
        var id = new Argument<long>("id") { Description = "The send's number, as `sends list` shows it." };
        var command = new Command("resume", "Resume a send that failed (for instance after the mail server was fixed).") { id };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var sendId = result.GetValue(id);
            if (!await scope.ServiceProvider.GetRequiredService<SendService>().ResumeAsync(sendId, cancellationToken))
            {
                var status = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Sends.AsNoTracking()
                    .Where(s => s.Id == sendId).Select(s => (SendStatus?)s.Status).SingleOrDefaultAsync(cancellationToken);
                return CliHost.Fail(status is { } current
                    ? $"send {sendId} is {current.ToString().ToLowerInvariant()}, not failed: only a failed send can be resumed."
                    : $"there is no send {sendId} (see `sends list`).");
            }

            await Console.Out.WriteLineAsync($"Send {sendId} resumed.");
            return 0;
        });
        return command;
    }
}
