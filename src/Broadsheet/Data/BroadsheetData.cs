using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Data;

/// <summary>Registers the database for the configured provider and brings its schema up to date.</summary>
public static class BroadsheetData
{
    public const string ConnectionStringName = "Broadsheet";

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

            services.AddDbContext<BroadsheetDb, PostgresBroadsheetDb>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            var sqlite = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString(options.DataDirectory) : connectionString;
            services.AddDbContext<BroadsheetDb, SqliteBroadsheetDb>(o => o.UseSqlite(sqlite));
        }

        return services;
    }

    public static string DefaultSqliteConnectionString(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "broadsheet.db"),
            // Writers wait for each other instead of failing with "database is locked".
            DefaultTimeout = 30,
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
        var applied = await db.Database.CanConnectAsync(cancellationToken)
            ? (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList()
            : [];
        if (latest is not null && applied.LastOrDefault() == latest)
        {
            return false;
        }

        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        return applied.Count == 0;
    }
}
