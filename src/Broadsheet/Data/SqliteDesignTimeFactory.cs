using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Broadsheet.Data;

// Used by `dotnet ef migrations add` only; no connection is opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBroadsheetDb>
{
    public SqliteBroadsheetDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBroadsheetDb>().UseSqlite("Data Source=design.db").Options);
}
