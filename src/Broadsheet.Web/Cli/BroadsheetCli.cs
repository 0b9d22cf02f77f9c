using System.CommandLine;

namespace Broadsheet.Web.Cli;

/// <summary>The host's subcommands: <c>dotnet run --project src/Broadsheet.Web -- &lt;command&gt;</c>.</summary>
internal static class BroadsheetCli
{
    private static readonly string[] Commands = ["dkim", "import", "migrate", "subscribers", "sends", "deliver", "digest", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string first) => Commands.Contains(first, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Broadsheet: a bilingual publishing and newsletter platform. Without a command it serves the site.")
        {
            DkimCommand.Create(),
            ImportCommand.Create(),
            MigrateCommand.Create(),
            SubscribersCommand.Create(),
            SendsCommand.Create(),
            SendsCommand.Deliver(),
            DigestCommand.Create(),
        };
        // On Ctrl+C or SIGTERM the action's token is cancelled; `deliver` then finishes the mail in flight, which
        // may take the dispatcher's whole drain time, so the process is not cut off after System.CommandLine's 2 s.
        // The default exception handler is off so that a refusal to start (a privacy key other than the database's)
        // is told as the operator's message alone; anything else is reported as that handler would (in full, exit 1).
        var invocation = new InvocationConfiguration
        {
            ProcessTerminationTimeout = Broadsheet.Delivery.DeliveryDispatcher.DrainTimeout + TimeSpan.FromSeconds(5),
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await root.Parse(args).InvokeAsync(invocation);
        }
        catch (Broadsheet.Privacy.PrivacyKeyMismatchException e)
        {
            return CliHost.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            return 1;
        }
#pragma warning disable CA1031 // The last resort of a command line: say what went wrong and exit 1, as System.CommandLine does.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"Unhandled exception: {e}");
            return 1;
        }
    }
}
