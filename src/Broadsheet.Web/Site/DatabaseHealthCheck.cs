using Broadsheet.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Broadsheet.Web.Site;

internal sealed class DatabaseHealthCheck(BroadsheetDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
