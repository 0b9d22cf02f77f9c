using System.CommandLine;
using Broadsheet.Publishing;
using Broadsheet.Web.Site;

namespace Broadsheet.Web.Cli;

/// <summary><c>import text FILE --lang en --kind report [--title T] [--tags a,b] [--publish]</c></summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A UTF-8 plain-text article (at most 5 MB)." };
        var lang = new Option<string>("--lang") { Description = "The article's language: ar or en.", Required = true };
        var kind = new Option<string>("--kind") { Description = "report, news or design.", Required = true };
        var title = new Option<string?>("--title") { Description = "The title, when the file has no title line." };
        var tags = new Option<string?>("--tags") { Description = "Comma-separated tags, e.g. Water,Economy." };
        var author = new Option<string?>("--author") { Description = "Comma-separated author slugs." };
        var publish = new Option<bool>("--publish") { Description = "Publish at once instead of saving a draft." };

        var text = new Command("text", "Import a plain-text article as a post and print its URL.") { file, lang, kind, title, tags, author, publish };
        text.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var language = (result.GetValue(lang) ?? "").Trim().ToLowerInvariant();
                if (!Language.IsSupported(language))
                {
                    return CliHost.Fail($"--lang must be ar or en, not \"{result.GetValue(lang)}\".");
                }

                if (!Enum.TryParse<PostKind>(result.GetValue(kind), ignoreCase: true, out var postKind) || !Enum.IsDefined(postKind))
                {
                    return CliHost.Fail($"--kind must be report, news or design, not \"{result.GetValue(kind)}\".");
                }

                // Everything is read and checked before the database is touched: a bad file writes nothing.
                var parsed = TextImporter.Parse(TextImporter.ReadFile(result.GetValue(file)!.FullName));
                var postTitle = string.IsNullOrWhiteSpace(result.GetValue(title)) ? parsed.Title : result.GetValue(title)!.Trim();
                if (string.IsNullOrWhiteSpace(postTitle))
                {
                    return CliHost.Fail("The file has no title line: give one with --title \"…\".");
                }

                using var host = await CliHost.StartAsync(cancellationToken);
                await using var scope = host.Services.CreateAsyncScope();
                var post = await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(new PostInput
                {
                    Kind = postKind,
                    Language = language,
                    Title = postTitle,
                    Lede = parsed.Lede,
                    BodyMarkdown = parsed.BodyMarkdown,
                    Tags = Split(result.GetValue(tags)),
                    AuthorSlugs = Split(result.GetValue(author)),
                    Status = result.GetValue(publish) ? PostStatus.Published : PostStatus.Draft,
                }, cancellationToken);

                var url = SiteFormat.Absolute(host.Options().SiteUrl, SiteFormat.ArticlePath(post.Language, post.Slug));
                await Console.Out.WriteLineAsync(url);
                if (post.Status != PostStatus.Published)
                {
                    await Console.Error.WriteLineAsync("Saved as a draft: the URL works once it is published (use --publish).");
                }

                return 0;
            }
            catch (ImportException e)
            {
                return CliHost.Fail(e.Message);
            }
            catch (PublishingException e)
            {
                return CliHost.Fail(e.Message);
            }
        });

        return new Command("import", "Import content into the publication.") { text };
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
