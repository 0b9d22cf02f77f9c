using Broadsheet.Data;
using Broadsheet.Settings;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Cli;

/// <summary>The services a subcommand needs, configured exactly as the web host is (appsettings, environment), without a web server.</summary>
internal static class CliHost
{
    public static async Task<IHost> StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        // Standard output carries the command's answer (a URL, JSON); logs go to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // EF logs its probe for the migrations table on a new PostgreSQL database as a failure; it is not one.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.Services.AddBroadsheet(builder.Configuration);
        var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        await BroadsheetData.MigrateAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>(), cancellationToken);
        // A command run with another privacy key than the database's (another data folder, a missing setting) would
        // write what the instances cannot read: it stops here, before anything is written.
        await scope.ServiceProvider.GetRequiredService<Broadsheet.Privacy.PrivacyKeyCheck>().VerifyAsync(cancellationToken);
        // What an administrator saved in the admin counts for commands too (a `deliver` sends through the same relay).
        await scope.ServiceProvider.GetRequiredService<SettingsService>().ApplySavedAsync(cancellationToken);
        return host;
    }

    /// <summary>A command's refusal: the message on standard error, exit code 1.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    public static BroadsheetOptions Options(this IHost host) => host.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
}
