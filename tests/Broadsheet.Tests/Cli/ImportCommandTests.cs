using System.Text;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Cli;

/// <summary>`-- import text FILE …` run as a user runs it: the real executable in a child process.</summary>
public sealed class ImportCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<Post>> PostsAsync(TestEnvironment environment)
    {
        await using var services = await TestServices.CreateAsync(environment);
        return await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().Include(p => p.Tags).ToListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_seed_article_imports_as_a_published_report_and_prints_its_url(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        var result = await CliProcess.RunAsync(environment, "import", "text", Fixtures.Path("seed-article.txt"),
            "--lang", "en", "--kind", "report", "--title", "A flight in the night", "--tags", "Syria, Russia", "--publish");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("https://news.example/en/a-flight-in-the-night", result.Out.Trim());

        var post = Assert.Single(await PostsAsync(environment));
        Assert.Equal(PostStatus.Published, post.Status);
        Assert.Equal(PostKind.Report, post.Kind);
        Assert.Equal(File.ReadLines(Fixtures.Path("seed-article.txt")).First().Trim(), post.Lede);
        Assert.Equal(6, CountOf(post.BodyHtml, "<h2>"));
        Assert.Equal(1, CountOf(post.BodyHtml, "<ul>"));
        Assert.Equal(2, CountOf(post.BodyHtml, "<li>"));
        Assert.DoesNotContain("<li></li>", post.BodyHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("newsletter", post.BodyHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["russia", "syria"], post.Tags.Select(t => t.Slug).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_arabic_file_with_a_title_line_gets_an_arabic_slug_and_stays_a_draft_without_publish()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(environment.DataDirectory, "ar.txt");
        await File.WriteAllTextAsync(file, "أزمة الخبز في المدينة\nارتفع سعر ربطة الخبز المدعوم بمقدار النصف هذا الأسبوع، بحسب مصادر في مديرية التموين.\nما الذي تغيّر\nقالت المديرية إن حصص الطحين خُفّضت، ولم تردّ على أسئلتنا.\n", Ct);

        var result = await CliProcess.RunAsync(environment, "import", "text", file, "--lang", "ar", "--kind", "news");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("https://news.example/ar/" + Uri.EscapeDataString("أزمة-الخبز-في-المدينة"), result.Out.Trim());
        Assert.Contains("draft", result.Error, StringComparison.Ordinal);
        var post = Assert.Single(await PostsAsync(environment));
        Assert.Equal(PostStatus.Draft, post.Status);
        Assert.Equal("أزمة الخبز في المدينة", post.Title);
        Assert.Contains("<h2>ما الذي تغيّر</h2>", post.BodyHtml, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]?, string[], string> BadInputs => new()
    {
        { "no title", null, ["--lang", "en", "--kind", "report"], "--title" },
        { "empty", [], ["--lang", "en", "--kind", "report", "--title", "T"], "empty" },
        { "binary", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x41, 0x00], ["--lang", "en", "--kind", "report", "--title", "T"], "binary" },
        { "invalid utf-8", [0x48, 0x69, 0x20, 0xC3, 0x28, 0x0A], ["--lang", "en", "--kind", "report", "--title", "T"], "UTF-8" },
        { "bad language", null, ["--lang", "fr", "--kind", "report", "--title", "T"], "--lang" },
        { "bad kind", null, ["--lang", "en", "--kind", "opinion", "--title", "T"], "--kind" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_clear_error_with_a_non_zero_exit_and_nothing_written(string name, byte[]? content, string[] options, string expected)
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(environment.DataDirectory, name.Replace(' ', '-') + ".txt");
        await File.WriteAllBytesAsync(file, content ?? await File.ReadAllBytesAsync(Fixtures.Path("seed-article.txt"), Ct), Ct);

        var result = await CliProcess.RunAsync(environment, ["import", "text", file, .. options]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal); // no stack trace
        Assert.Empty(await PostsAsync(environment));
    }

    [Fact]
    public async Task Files_over_five_megabytes_and_missing_files_are_refused()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var big = Path.Combine(environment.DataDirectory, "big.txt");
        await File.WriteAllTextAsync(big, "Title\n" + new string('a', 5 * 1024 * 1024), Encoding.UTF8, Ct);

        var tooBig = await CliProcess.RunAsync(environment, "import", "text", big, "--lang", "en", "--kind", "news");
        var missing = await CliProcess.RunAsync(environment, "import", "text", Path.Combine(environment.DataDirectory, "nope.txt"), "--lang", "en", "--kind", "news");

        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("5 MB", tooBig.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("not found", missing.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await PostsAsync(environment));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
