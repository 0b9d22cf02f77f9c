using System.CommandLine;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace Broadsheet.Web.Cli;

/// <summary>
/// <c>subscribers import FILE.csv | export FILE.csv | show EMAIL | erase EMAIL</c>. Answers go to standard
/// output; progress, prompts and errors to standard error, so the output can be piped. No address is ever
/// written anywhere but the export file and the output of <c>show</c>, which the operator asked for.
/// </summary>
internal static class SubscribersCommand
{
    // Without a terminal (a pipe, a CI log) a progress line this often instead of a redrawn bar.
    private const long PlainProgressEvery = 100_000;

    public static Command Create() => new("subscribers", "Import, export, show and erase newsletter subscribers.")
    {
        Import(),
        Export(),
        Show(),
        Erase(),
    };

    private static Command Import()
    {
        var file = new Argument<FileInfo?>("file")
        {
            Description = "A UTF-8 CSV file whose first line names its columns: email (required), name, language (en, ar or both). Left out in a terminal: a wizard asks.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var newsletter = new Option<string>("--newsletter")
        {
            Description = "The newsletter to subscribe them to: digest (the only one).",
            DefaultValueFactory = _ => "digest",
        };
        var lang = new Option<string>("--lang")
        {
            Description = "Languages for rows whose language cell is empty: en, ar or both.",
            DefaultValueFactory = _ => "en",
        };

        var command = new Command(
            "import",
            "Import subscribers from CSV as active (their consent is already held). Rejected rows are listed in FILE.rejected.csv; running it twice changes nothing.")
        {
            file, newsletter, lang,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                if (!string.Equals(result.GetValue(newsletter)?.Trim(), "digest", StringComparison.OrdinalIgnoreCase))
                {
                    return CliHost.Fail($"--newsletter must be digest, the only newsletter, not \"{result.GetValue(newsletter)}\".");
                }

                if (!SubscriberImporter.TryParseLanguages(result.GetValue(lang), out var languages))
                {
                    return CliHost.Fail($"--lang must be en, ar or both, not \"{result.GetValue(lang)}\".");
                }

                SubscriberImportFile plan;
                if (result.GetValue(file) is { } given)
                {
                    // The whole file is checked before the database is touched: a bad file writes nothing.
                    plan = SubscriberImporter.Inspect(given.FullName);
                }
                else if (Console.IsInputRedirected || Console.IsOutputRedirected)
                {
                    return CliHost.Fail("name the CSV file: subscribers import FILE.csv (the wizard needs a terminal).");
                }
                else if (ImportWizard.Run(AnsiConsole.Console) is { } answers)
                {
                    (plan, languages) = answers;
                }
                else
                {
                    await Console.Error.WriteLineAsync("Nothing was imported.");
                    return 1;
                }

                using var host = await CliHost.StartAsync(cancellationToken);
                await using var scope = host.Services.CreateAsyncScope();
                var importer = ActivatorUtilities.CreateInstance<SubscriberImporter>(scope.ServiceProvider);
                var clock = Stopwatch.StartNew();
                var summary = await WithProgressAsync(
                    "Importing",
                    plan.Length,
                    (SubscriberImportProgress p) => (p.Bytes, p.Rows),
                    progress => importer.ImportAsync(plan, languages, progress, cancellationToken));
                clock.Stop();

                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
                    imported {summary.Imported}
                    already subscribed {summary.AlreadySubscribed}
                    duplicates in file {summary.DuplicatesInFile}
                    suppressed (skipped) {summary.Suppressed}
                    rejected {summary.Rejected}
                    report {summary.ReportPath}
                    """));
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{summary.Rows:N0} rows in {clock.Elapsed.TotalSeconds:F2} s ({summary.Rows / Math.Max(clock.Elapsed.TotalSeconds, 0.001):N0} rows/s)."));
                if (summary.Rejected > 0)
                {
                    await Console.Error.WriteLineAsync($"The rejected rows are listed, with their line numbers and the reasons, in {summary.ReportPath}.");
                }

                return 0;
            }
            catch (SubscriberImportException e)
            {
                return CliHost.Fail(e.Message);
            }
            catch (DbException e)
            {
                return CliHost.Fail($"the database stopped the import: {e.Message} What was committed before stays; run the import again to finish.");
            }
        });
        return command;
    }

    private static Command Export()
    {
        var file = new Argument<FileInfo>("file") { Description = "Where to write the CSV. It will hold every address in clear: keep it safe." };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists." };
        var command = new Command("export", "Export every subscriber, decrypted, as CSV: email,name,language,status,created,confirmed.") { file, force };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!.FullName;
            var overwrite = result.GetValue(force);
            if (Directory.Exists(path))
            {
                return CliHost.Fail($"'{path}' is a directory: give the path of the CSV file to write.");
            }

            if (File.Exists(path) && !overwrite)
            {
                return CliHost.Fail($"'{path}' already exists: choose another name, or pass --force to replace it.");
            }

            if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
            {
                return CliHost.Fail($"The folder '{folder}' does not exist.");
            }

            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var exporter = ActivatorUtilities.CreateInstance<SubscriberExporter>(scope.ServiceProvider);
            var total = await db.Subscribers.LongCountAsync(cancellationToken);

            // Written beside the target under another name and moved into place, so an interrupted export never
            // leaves a truncated file that looks complete, and the file is private from its first byte.
            var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.part");
            try
            {
                long count;
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                await using (var stream = new FileStream(temp, options))
                {
                    count = await WithProgressAsync("Exporting", total, (long rows) => (rows, rows), progress => exporter.ExportAsync(stream, progress, cancellationToken));
                }

                File.Move(temp, path, overwrite);
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"exported {count}"));
                return 0;
            }
            catch (CryptographicException)
            {
                return CliHost.Fail("A stored address cannot be decrypted: the privacy key is not the one this database was written with. Nothing was exported.");
            }
            catch (IOException e) when (!overwrite && File.Exists(path))
            {
                return CliHost.Fail($"'{path}' appeared while exporting: nothing was replaced ({e.Message}).");
            }
            finally
            {
                File.Delete(temp);
            }
        });
        return command;
    }

    private static Command Show()
    {
        var email = new Argument<string>("email") { Description = "The subscriber's address." };
        var command = new Command("show", "Print everything held about one subscriber as JSON: status, languages, name, dates, consent history, suppression.") { email };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!EmailAddress.TryParse(result.GetValue(email), out var address, out var error))
            {
                return CliHost.Fail(EmailAddressMessages.For(error, Language.English));
            }

            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
            var index = protector.BlindIndex(address.Value);
            var subscriber = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.EmailIndex == index, cancellationToken);
            if (subscriber is null)
            {
                return CliHost.Fail("no subscriber with that address");
            }

            var hash = protector.SuppressionHash(address.Value);
            var suppression = await db.Suppressions.AsNoTracking().FirstOrDefaultAsync(s => s.AddressHash == hash, cancellationToken);
            await using var output = Console.OpenStandardOutput();
            var consents = await ConsentHistory.LoadAsync(db, subscriber, cancellationToken);
            await WriteJsonAsync(output, protector, subscriber, consents, suppression, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command Erase()
    {
        var email = new Argument<string>("email") { Description = "The subscriber's address." };
        var yes = new Option<bool>("--yes") { Description = "Erase without asking for confirmation." };
        var command = new Command(
            "erase",
            "Erase a subscriber on request: delete them and their consent history, keeping only a suppression (a keyed hash) so the address is never mailed or imported again.")
        {
            email, yes,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!EmailAddress.TryParse(result.GetValue(email), out var address, out var error))
            {
                return CliHost.Fail(EmailAddressMessages.For(error, Language.English));
            }

            var confirmed = result.GetValue(yes);
            if (!confirmed && Console.IsInputRedirected)
            {
                return CliHost.Fail("pass --yes to erase without a prompt");
            }

            using var host = await CliHost.StartAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            var index = scope.ServiceProvider.GetRequiredService<AddressProtector>().BlindIndex(address.Value);
            var id = await db.Subscribers.Where(s => s.EmailIndex == index).Select(s => (long?)s.Id).FirstOrDefaultAsync(cancellationToken);
            if (id is null)
            {
                return CliHost.Fail("no subscriber with that address");
            }

            if (!confirmed)
            {
                // The prompt names the subscriber by id: the address is on the operator's command line already.
                await Console.Error.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Erase subscriber {id} and their consent history? A suppression is kept so the address is never mailed or imported again. This cannot be undone. [y/N] "));
                var answer = (await Console.In.ReadLineAsync(cancellationToken))?.Trim();
                if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
                {
                    return CliHost.Fail("not erased");
                }
            }

            var eraser = ActivatorUtilities.CreateInstance<SubscriberEraser>(scope.ServiceProvider);
            if (!await eraser.EraseAsync(address, cancellationToken))
            {
                return CliHost.Fail("no subscriber with that address");
            }

            await Console.Out.WriteLineAsync("erased");
            return 0;
        });
        return command;
    }

    private static async Task WriteJsonAsync(Stream output, AddressProtector protector, Subscriber subscriber, IReadOnlyList<ConsentRecord> consents, Suppression? suppression, CancellationToken cancellationToken)
    {
        // Relaxed escaping: this goes to a terminal or a file, never into HTML, and Arabic names should stay readable.
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteNumber("id", subscriber.Id);
        json.WriteString("email", protector.Decrypt(subscriber.EmailEncrypted));
        WriteOptional(json, "name", subscriber.NameEncrypted is null ? null : protector.Decrypt(subscriber.NameEncrypted));
        json.WriteString("status", subscriber.Status.ToString().ToLowerInvariant());
        json.WriteStartArray("languages");
        if (subscriber.Languages.HasFlag(NewsletterLanguages.Arabic))
        {
            json.WriteStringValue(Language.Arabic);
        }

        if (subscriber.Languages.HasFlag(NewsletterLanguages.English))
        {
            json.WriteStringValue(Language.English);
        }

        json.WriteEndArray();
        json.WriteString("createdAt", subscriber.CreatedAt);
        json.WriteString("updatedAt", subscriber.UpdatedAt);
        WriteOptional(json, "confirmedAt", subscriber.ConfirmedAt);
        WriteOptional(json, "unsubscribedAt", subscriber.UnsubscribedAt);
        WriteOptional(json, "lastConfirmationSentAt", subscriber.LastConfirmationSentAt);
        json.WriteBoolean("confirmationLinkOutstanding", subscriber.ConfirmationNonce is not null);
        json.WriteBoolean("suppressed", suppression is not null);
        if (suppression is not null)
        {
            json.WriteStartObject("suppression");
            json.WriteString("reason", suppression.Reason.ToString().ToLowerInvariant());
            json.WriteString("since", suppression.CreatedAt);
            json.WriteEndObject();
        }

        json.WriteStartArray("consents");
        foreach (var consent in consents)
        {
            json.WriteStartObject();
            json.WriteString("at", consent.At);
            json.WriteString("action", JsonNamingPolicy.SnakeCaseLower.ConvertName(consent.Action.ToString()));
            json.WriteString("source", consent.Source);
            json.WriteString("language", consent.Language);
            // Only whether it exists: the hash is evidence for abuse handling, not something to copy around.
            json.WriteString("ipHash", consent.IpHash is null ? "absent" : "present");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, time);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on standard error when it is a terminal, and a plain line
    /// every <see cref="PlainProgressEvery"/> rows when it is not (a log would fill with redraws).
    /// </summary>
    private static async Task<TResult> WithProgressAsync<TProgress, TResult>(
        string label,
        long total,
        Func<TProgress, (long Done, long Rows)> measure,
        Func<IProgress<TProgress>, Task<TResult>> work)
    {
        if (Console.IsErrorRedirected)
        {
            long printed = 0;
            return await work(new SyncProgress<TProgress>(value =>
            {
                var (done, rows) = measure(value);
                if (rows / PlainProgressEvery > printed / PlainProgressEvery)
                {
                    printed = rows;
                    var percent = total > 0 ? 100.0 * done / total : 100.0;
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {rows:N0} rows ({percent:F0}%)"));
                }
            }));
        }

        // Spectre judges interactivity by standard output, which is usually piped here; standard error is the
        // terminal (checked above), and the bar goes there.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(total, 1));
                var outcome = await work(new SyncProgress<TProgress>(value =>
                {
                    var (done, rows) = measure(value);
                    task.Value = done;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{label}: {rows:N0} rows");
                }));
                task.Value = task.MaxValue;
                return outcome;
            });
    }

    // Progress<T> would post each report to the thread pool, so a late one could print after the summary;
    // reports here are rare (one per few thousand rows) and cheap, so they run where they are made.
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
