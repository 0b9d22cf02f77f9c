using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Data;

public sealed class SqliteBroadsheetDb(DbContextOptions<SqliteBroadsheetDb> options) : BroadsheetDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // SQLite has no time zone type: values are stored as UTC text and read back marked as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
