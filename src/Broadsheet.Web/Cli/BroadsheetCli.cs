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
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = Broadsheet.Delivery.DeliveryDispatcher.DrainTimeout + TimeSpan.FromSeconds(5) };
        return await root.Parse(args).InvokeAsync(invocation);
    }
}
