using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web.Cli;
using Spectre.Console.Testing;

namespace Broadsheet.Tests.Cli;

/// <summary>`subscribers import` without a file: the wizard asks, shows what it found, and imports only on a yes.</summary>
public sealed class ImportWizardTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("broadsheet-wizard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(string content)
    {
        var path = Path.Combine(_folder, "readers.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void It_asks_again_for_a_bad_file_shows_the_columns_and_returns_the_answers()
    {
        var path = Csv("email,name,language\namira@example.com,Amira,ar\nben@example.com,Ben,\n");
        using var console = new TestConsole().Interactive();
        console.Input.PushTextWithEnter(Path.Combine(_folder, "missing.csv"));
        console.Input.PushTextWithEnter(path);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("y");

        var answers = ImportWizard.Run(console);

        Assert.NotNull(answers);
        Assert.Equal(path, answers.Value.Plan.Path);
        Assert.Equal(NewsletterLanguages.Both, answers.Value.Languages);
        Assert.Contains("missing.csv", console.Output, StringComparison.Ordinal);
        Assert.Contains("email, name, language", console.Output, StringComparison.Ordinal);
        Assert.Contains("readers.rejected.csv", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Declining_at_the_end_imports_nothing()
    {
        var path = Csv("email\nreader@example.com\n");
        using var console = new TestConsole().Interactive();
        console.Input.PushTextWithEnter(path);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("n");

        Assert.Null(ImportWizard.Run(console));
        Assert.Contains("they get no confirmation mail", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_terminal_the_command_asks_for_the_file_and_writes_nothing()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var result = await CliProcess.RunAsync(environment, "subscribers", "import");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("name the CSV file", result.Error, StringComparison.Ordinal);
    }
}
