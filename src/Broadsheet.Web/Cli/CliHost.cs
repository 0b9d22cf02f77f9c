using Broadsheet.Data;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Cli;

/// <summary>The services a subcommand needs, configured exactly as the web host is (appsettings, environment), without a web server.</summary>
internal static class CliHost
{
    public static async Task<IHost> StartAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBroadsheet(builder.Configuration);
        var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        await BroadsheetData.MigrateAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>(), cancellationToken);
        return host;
    }

    public static BroadsheetOptions Options(this IHost host) => host.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
}
