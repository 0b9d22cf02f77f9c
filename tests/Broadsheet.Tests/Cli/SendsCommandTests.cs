using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Cli;

/// <summary>`-- sends …` run as an operator runs them: the real executable in a child process.</summary>
public sealed class SendsCommandTests
{
    [Fact]
    public async Task Resume_says_whether_the_send_is_missing_or_simply_not_failed_and_changes_nothing()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var body = Path.Combine(environment.DataDirectory, "body.txt");
        Directory.CreateDirectory(environment.DataDirectory);
        await File.WriteAllTextAsync(body, "A short dispatch. Unsubscribe: {{unsubscribe_url}}", TestContext.Current.CancellationToken);
        var created = await CliProcess.RunAsync(environment, "sends", "create", "--lang", "en", "--subject", "Breaking", "--text", body);
        Assert.True(created.ExitCode == 0, created.Error);

        var missing = await CliProcess.RunAsync(environment, "sends", "resume", "99");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: there is no send 99 (see `sends list`).", missing.Error.Trim());

        var notFailed = await CliProcess.RunAsync(environment, "sends", "resume", "1");
        Assert.Equal(1, notFailed.ExitCode);
        Assert.Equal("error: send 1 is materialising, not failed: only a failed send can be resumed.", notFailed.Error.Trim());

        var list = await CliProcess.RunAsync(environment, "sends", "list");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("\tMaterialising\t", list.Out, StringComparison.Ordinal);
    }
}
