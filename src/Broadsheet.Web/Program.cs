using Broadsheet.Web;
using Broadsheet.Web.Cli;

// One executable: with a known subcommand it is the CLI, otherwise it serves the site.
if (args.Length > 0 && BroadsheetCli.IsCommand(args[0]))
{
    return await BroadsheetCli.RunAsync(args);
}

var app = await BroadsheetHost.BuildAsync(args);
await app.RunAsync();
return 0;
