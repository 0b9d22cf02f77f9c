using System.CommandLine;

namespace Broadsheet.Web.Cli;

/// <summary><c>migrate</c>: bring the database schema up to date without starting the site.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the database migrations for the configured provider and exit.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = await CliHost.StartAsync(cancellationToken);
            await Console.Out.WriteLineAsync($"The database is up to date ({host.Options().Database.Provider}).");
            return 0;
        });
        return command;
    }
}
