using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Cli;

/// <summary>The host started as an operator starts it, with a broken configuration: a clear message and a non-zero exit.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused_with_a_message()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var result = await CliProcess.RunAsync(environment, new Dictionary<string, string?>
        {
            ["Broadsheet__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Broadsheet"] = "",
        }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ConnectionStrings:Broadsheet is empty", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_app_instead_of_serving_errors()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var result = await CliProcess.RunAsync(environment, new Dictionary<string, string?>
        {
            ["Broadsheet__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Broadsheet"] = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=3",
        }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The database could not be prepared", result.Out + result.Error, StringComparison.Ordinal);
    }
}
