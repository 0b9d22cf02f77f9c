using System.Security.Cryptography;
using System.Text;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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

    // Subscribers stored before the blind index was cut to 128 bits (a full 32-byte HMAC) are found afterwards.
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Short_blind_index_migration_keeps_existing_subscribers_findable(DatabaseProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = await TestServices.CreateAsync(provider);
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var protector = scope.ServiceProvider.GetRequiredService<AddressProtector>();
        var keys = scope.ServiceProvider.GetRequiredService<PrivacyKeys>();
        var migrations = db.Database.GetMigrations().ToList();
        var shortIndex = migrations.FindIndex(m => m.EndsWith("_ShortBlindIndex", StringComparison.Ordinal));
        Assert.True(shortIndex > 0);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[shortIndex - 1], ct);

        // As the earlier version stored it: the whole HMAC-SHA256 of the normalised address.
        const string address = "earlier.reader@example.org";
        var full = HMACSHA256.HashData(keys.BlindIndexKey, Encoding.UTF8.GetBytes(address));
        Assert.Equal(32, full.Length);
        // In SQL, not through the model: the table then lacked columns the model has since gained.
        var encrypted = protector.Encrypt(address);
        var now = DateTime.UtcNow;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO subscribers ("EmailEncrypted", "EmailIndex", "Status", "Languages", "CreatedAt", "UpdatedAt") VALUES ({encrypted}, {full}, 'Active', 1, {now}, {now})""",
            ct);

        await migrator.MigrateAsync(cancellationToken: ct);
        db.ChangeTracker.Clear();
        var index = protector.BlindIndex(address);
        Assert.Equal(AddressProtector.BlindIndexSize, index.Length);
        var found = await db.Subscribers.AsNoTracking().SingleAsync(s => s.EmailIndex == index, ct);
        Assert.Equal(address, protector.Decrypt(found.EmailEncrypted));
        Assert.Equal(full[..AddressProtector.BlindIndexSize], found.EmailIndex);
    }
}
