using Broadsheet.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Cluster;

/// <summary>Registers what keeps several instances on one PostgreSQL database in step; on SQLite, only a broadcaster that does nothing.</summary>
public static class ClusterSetup
{
    /// <summary>
    /// Call before the host registers its own <see cref="IContentChangeListener"/>s: code that asks for a single
    /// listener gets the last registered one, which must stay the page cache.
    /// </summary>
    public static IServiceCollection AddBroadsheetCluster(this IServiceCollection services, BroadsheetOptions options, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<ClusterInstance>();
        // Settings are saved through it on every provider; it is a no-op on SQLite.
        services.AddScoped<ClusterBroadcaster>();
        if (options.Database.Provider == DatabaseProvider.Postgres && !string.IsNullOrWhiteSpace(connectionString))
        {
            services.AddScoped<IContentChangeListener>(sp => sp.GetRequiredService<ClusterBroadcaster>());
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ClusterListener>(sp, connectionString));
        }

        return services;
    }
}
