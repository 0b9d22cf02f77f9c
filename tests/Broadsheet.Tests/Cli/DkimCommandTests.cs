using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Cli;

/// <summary>`-- dkim init|show` run as an operator runs them: the real executable in a child process.</summary>
public sealed class DkimCommandTests
{
    private static string Line(string label, CliProcess.Result result) =>
        result.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(label + " ", StringComparison.Ordinal))[(label.Length + 1)..];

    private static Dictionary<string, string?> Configured(string domain, string selector) => new()
    {
        ["Broadsheet__Mail__Dkim__Domain"] = domain,
        ["Broadsheet__Mail__Dkim__Selector"] = selector,
    };

    [Fact]
    public async Task Init_writes_an_owner_only_key_and_prints_its_record_and_the_settings_and_show_prints_it_again()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);

        var init = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", "News.Example", "--selector", "broadsheet1");

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.Equal("broadsheet1._domainkey.news.example", Line("name", init));
        Assert.Equal("TXT", Line("type", init));
        var value = Line("value", init);
        Assert.StartsWith("v=DKIM1; k=rsa; p=MII", value, StringComparison.Ordinal);
        Assert.StartsWith("broadsheet1._domainkey.news.example. IN TXT ( \"v=DKIM1; k=rsa; p=", Line("zone", init), StringComparison.Ordinal);
        Assert.Contains("Broadsheet__Mail__Dkim__Domain=news.example\n", init.Out, StringComparison.Ordinal);
        Assert.Contains("Broadsheet__Mail__Dkim__Selector=broadsheet1\n", init.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", init.Out + init.Error, StringComparison.Ordinal);

        var path = Path.Combine(environment.DataDirectory, "dkim", "broadsheet1.news.example.pem");
        Assert.Equal(path, Line("key", init));
        Assert.True(DkimIdentity.TryCreate("news.example", "broadsheet1", out var identity, out _));
        Assert.Equal(value, DkimKeyFile.ReadRecord(path, identity).Value);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        // A key needs no database: init neither makes nor migrates one.
        Assert.Empty(Directory.GetFiles(environment.DataDirectory, "broadsheet.db*"));

        var show = await CliProcess.RunAsync(environment, Configured("news.example", "broadsheet1"), "dkim", "show");

        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Equal(("broadsheet1._domainkey.news.example", value), (Line("name", show), Line("value", show)));
    }

    [Fact]
    public async Task A_second_init_for_the_same_selector_is_refused_without_force()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var first = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", "news.example", "--selector", "broadsheet1");
        Assert.True(first.ExitCode == 0, first.Error);
        var path = Path.Combine(environment.DataDirectory, "dkim", "broadsheet1.news.example.pem");
        var key = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);

        var second = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", "news.example", "--selector", "broadsheet1");

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("already exists", second.Error, StringComparison.Ordinal);
        Assert.Contains("--force", second.Error, StringComparison.Ordinal);
        Assert.Contains("new selector", second.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("value ", second.Out, StringComparison.Ordinal);
        Assert.Equal(key, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));

        var rotation = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", "news.example", "--selector", "broadsheet2");
        Assert.True(rotation.ExitCode == 0, rotation.Error);
        Assert.Equal(key, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));

        var forced = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", "news.example", "--selector", "broadsheet1", "--force");

        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.NotEqual(Line("value", first), Line("value", forced));
        Assert.NotEqual(key, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("news example.org", "broadsheet1", "\"news example.org\" is not a domain name")]
    [InlineData("localhost", "broadsheet1", "\"localhost\" is not a domain name")]
    [InlineData("news.example", "my_key", "\"my_key\" is not a valid selector")]
    public async Task Init_refuses_a_bad_domain_or_selector_and_writes_nothing(string domain, string selector, string message)
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);

        var result = await CliProcess.RunAsync(environment, "dkim", "init", "--domain", domain, "--selector", selector);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error: " + message, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(Path.Combine(environment.DataDirectory, "dkim")));
    }

    [Fact]
    public async Task Show_says_what_to_set_when_dkim_is_not_configured_and_what_to_run_when_the_key_is_missing()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);

        var unconfigured = await CliProcess.RunAsync(environment, "dkim", "show");
        var keyless = await CliProcess.RunAsync(environment, Configured("news.example", "broadsheet1"), "dkim", "show");

        Assert.NotEqual(0, unconfigured.ExitCode);
        Assert.Contains("Broadsheet__Mail__Dkim__Domain", unconfigured.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, keyless.ExitCode);
        Assert.Contains("`dkim init --domain news.example --selector broadsheet1`", keyless.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", keyless.Error, StringComparison.Ordinal);
    }
}
