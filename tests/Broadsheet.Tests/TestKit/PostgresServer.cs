using Npgsql;

namespace Broadsheet.Tests.TestKit;

/// <summary>The PostgreSQL server named by BROADSHEET_TEST_POSTGRES; each test gets a database of its own.</summary>
public static class PostgresServer
{
    public const string Variable = "BROADSHEET_TEST_POSTGRES";

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static async Task<string> CreateDatabaseAsync()
    {
        if (AdminConnectionString is not { } admin)
        {
            Requirement.Missing($"PostgreSQL is not configured: set {Variable} (for example \"Host=127.0.0.1;Port=5432;Username=postgres\"); .ci/run does this.");
            throw new InvalidOperationException("unreachable");
        }

        var name = "bs_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>A plain-SQL pg_dump of a test database, as a thief with a copy would have it.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin", "pg_dump")).LastOrDefault(File.Exists)
            : null;
        var start = new System.Diagnostics.ProcessStartInfo(bin ?? "pg_dump")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username ?? "postgres", "--inserts", builder.Database! })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        if (AdminConnectionString is not { } admin)
        {
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
