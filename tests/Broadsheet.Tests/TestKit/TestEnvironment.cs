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
        if (ConnectionString is not null)
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
