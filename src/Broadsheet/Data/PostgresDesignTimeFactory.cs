using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Broadsheet.Data;

// Used by `dotnet ef migrations add` only; no connection is opened.
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBroadsheetDb>
{
    public PostgresBroadsheetDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBroadsheetDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
