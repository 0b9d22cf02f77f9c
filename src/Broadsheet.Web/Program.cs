using Broadsheet.Web;
using Broadsheet.Web.Cli;

// One executable: with a known subcommand it is the CLI, otherwise it serves the site.
if (args.Length > 0 && BroadsheetCli.IsCommand(args[0]))
{
    return await BroadsheetCli.RunAsync(args);
}

WebApplication app;
try
{
    app = BroadsheetHost.Build(args);
}
catch (InvalidOperationException e)
{
    // A configuration mistake is the operator's to fix: say what it is, without a stack trace.
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}

await app.RunAsync();
return Environment.ExitCode;
