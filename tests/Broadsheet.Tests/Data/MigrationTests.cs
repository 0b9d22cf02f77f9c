using Broadsheet.Data;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Data;

public sealed class MigrationTests
{
    // CI fails here when someone changes the model and forgets `dotnet ef migrations add` for a provider.
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite migrations lag the model: run dotnet ef migrations add … --context SqliteBroadsheetDb.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL migrations lag the model: run dotnet ef migrations add … --context PostgresBroadsheetDb.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migrations_apply_to_an_empty_database_and_leave_nothing_pending(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.Posts.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode()").ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal("wal", Assert.Single(mode));
    }
}
