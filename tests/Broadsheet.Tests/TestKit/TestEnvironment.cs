namespace Broadsheet.Tests.TestKit;

/// <summary>A data folder and, for PostgreSQL, a database, made for one test and removed after it.</summary>
public sealed class TestEnvironment : IAsyncDisposable
{
    private TestEnvironment(DatabaseProvider provider, string dataDirectory, string? connectionString)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
    }

    public DatabaseProvider Provider { get; }
    public string DataDirectory { get; }
    public string? ConnectionString { get; }

    /// <summary>False for an environment made by <see cref="CreateSharingAsync"/>: the database is the other's to drop.</summary>
    private bool OwnsDatabase { get; init; } = true;

    /// <summary>
    /// A second instance's environment: the same database as <paramref name="other"/>, a data folder of its own (as two
    /// machines would have). Disposing it leaves the database to <paramref name="other"/>; dispose this one first.
    /// </summary>
    public static Task<TestEnvironment> CreateSharingAsync(TestEnvironment other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var directory = Path.Combine(Path.GetTempPath(), "broadsheet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // On SQLite, the other's database file (which is one instance's by design: only for what must hold there too).
        var connection = other.ConnectionString ?? Broadsheet.Data.BroadsheetData.DefaultSqliteConnectionString(other.DataDirectory);
        return Task.FromResult(new TestEnvironment(other.Provider, directory, connection) { OwnsDatabase = false });
    }

    public static async Task<TestEnvironment> CreateAsync(DatabaseProvider provider)
    {
        var connection = provider == DatabaseProvider.Postgres ? await PostgresServer.CreateDatabaseAsync() : null;
        var directory = Path.Combine(Path.GetTempPath(), "broadsheet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new TestEnvironment(provider, directory, connection);
    }

    /// <summary>The configuration a host needs to use this environment, as environment-style keys.</summary>
    public Dictionary<string, string?> Settings(bool seedDemoContent = false) => new()
    {
        ["Broadsheet:DataDirectory"] = DataDirectory,
        ["Broadsheet:Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:Broadsheet"] = ConnectionString ?? "",
        ["Broadsheet:SeedDemoContent"] = seedDemoContent ? "true" : "false",
        ["Broadsheet:SiteUrl"] = "https://news.example",

        // The digest's clock runs on the host's time: left on, a test host would make the coming period's editions
        // behind the test's back (and clash with the ones it makes). Tests of the clock itself switch it on.
        ["Broadsheet:Workers:Scheduler"] = "false",
    };

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString is not null && OwnsDatabase)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a process being torn down; the temp folder is cleaned by the OS.
        }
    }
}
