using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Data;

/// <summary>Registers the database for the configured provider and brings its schema up to date.</summary>
public static class BroadsheetData
{
    public const string ConnectionStringName = "Broadsheet";

    /// <summary>How long a SQLite statement waits for another writer: the default connection's DefaultTimeout too.</summary>
    private const int SqliteTimeoutSeconds = 30;

    private static readonly SqliteBusyTimeout BusyTimeout = new(TimeSpan.FromSeconds(SqliteTimeoutSeconds));

    // pg_advisory_lock takes a bigint: "bs-migra" in ASCII, unlikely to be any other application's on a shared server.
    private const long MigrationLock = 0x62732d6d69677261;

    public static IServiceCollection AddBroadsheetData(this IServiceCollection services, BroadsheetOptions options, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Database.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Broadsheet:Database:Provider is Postgres but ConnectionStrings:Broadsheet is empty. Set it, for example ConnectionStrings__Broadsheet=\"Host=127.0.0.1;Database=broadsheet;Username=broadsheet;Password=…\".");
            }

            services.AddDbContext<BroadsheetDb, PostgresBroadsheetDb>(o => Configure(o.UseNpgsql(connectionString)));
        }
        else
        {
            var sqlite = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString(options.DataDirectory) : connectionString;
            services.AddDbContext<BroadsheetDb, SqliteBroadsheetDb>(o => Configure(o.UseSqlite(sqlite).AddInterceptors(BusyTimeout)));
        }

        return services;
    }

    // Migrating, EF would first build the model from OnModelCreating (the app otherwise runs on the compiled one, see
    // Data/CompiledModels) to compare it with the migrations' snapshot: a third of a second of every first start and
    // every CLI command on a new data folder. MigrationTests make the same comparison in CI, where it belongs.
    private static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    public static string DefaultSqliteConnectionString(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "broadsheet.db"),
            // Writers wait for each other instead of failing with "database is locked".
            DefaultTimeout = SqliteTimeoutSeconds,
            Pooling = true,
        }.ToString();
    }

    /// <summary>
    /// Applies the provider's migrations. A database that is already current is left alone without
    /// taking the migration lock, which keeps a restart quick. A new SQLite database is switched to
    /// WAL (a setting the file keeps) so readers never wait for a writer.
    /// </summary>
    /// <returns>Whether the database was new (no migration had been applied before).</returns>
    public static async Task<bool> MigrateAsync(BroadsheetDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var latest = db.Database.GetMigrations().LastOrDefault();
        var canConnect = await db.Database.CanConnectAsync(cancellationToken);
        var applied = canConnect ? (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList() : [];
        if (latest is not null && applied.LastOrDefault() == latest)
        {
            return false;
        }

        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        // A database that does not exist yet is made by EF (when the role may), with no one to take turns with.
        if (!canConnect || !db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(cancellationToken);
            return applied.Count == 0;
        }

        // EF's own lock on PostgreSQL (a table lock on the history) is held per migration, after the list to apply was
        // read, so instances migrating a new database together each run the first migrations ("relation … already
        // exists"). A session lock around the whole run makes them take turns; whoever waited reads the history again
        // and finds nothing (or less) to do, and only the first reports the database as new.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
            try
            {
                applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
                await db.Database.MigrateAsync(cancellationToken);
                return applied.Count == 0;
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
