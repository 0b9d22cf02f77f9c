using Broadsheet.Tests.TestKit;
using System.Text;
using System.Text.RegularExpressions;
using Broadsheet.Publishing;
using Xunit;

namespace Broadsheet.Tests.Publishing;

public sealed class TextImporterTests
{
    // Lines of the seed fixture that belong to the site, not to the article.
    private static readonly string[] BoilerplateMarkers = ["newsletter", "inbox", "اشترك"];

    [Fact]
    public void Seed_fixture_has_no_title_and_its_first_line_is_the_lede()
    {
        var (lines, result) = ParseSeed();

        Assert.Null(result.Title);
        Assert.Equal(lines[0], result.Lede);
        Assert.DoesNotContain(lines[0], BodyLines(result));
    }

    [Fact]
    public void Seed_fixture_yields_six_headings_in_document_order()
    {
        var (lines, result) = ParseSeed();

        var headings = Headings(result);
        Assert.Equal(6, headings.Count);
        var positions = headings.Select(heading => lines.IndexOf(heading)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Distinct(positions);
        Assert.Equal(positions.Order().ToList(), positions);
    }

    [Fact]
    public void Seed_fixture_yields_one_list_of_two_items_without_empty_bullets()
    {
        var (lines, result) = ParseSeed();

        var lists = Lists(result);
        var list = Assert.Single(lists);
        Assert.Equal(2, list.Count);
        Assert.All(list, item => Assert.Matches(@"^- \S", item));
        Assert.DoesNotContain(BodyLines(result), line => line.Trim() == "-");
        Assert.Equal(lines.Where(line => line.StartsWith("- ", StringComparison.Ordinal)), list);
    }

    [Fact]
    public void Seed_fixture_loses_its_trailing_newsletter_promotion()
    {
        var (_, result) = ParseSeed();

        Assert.DoesNotContain(BodyLines(result), IsBoilerplateLine);
    }

    [Fact]
    public void Seed_fixture_keeps_every_other_paragraph_verbatim()
    {
        var (lines, result) = ParseSeed();
        var body = BodyLines(result);
        var headings = Headings(result);

        var paragraphs = lines.Skip(1)
            .Where(line => !headings.Contains(line))
            .Where(line => !line.StartsWith('-'))
            .Where(line => !IsBoilerplateLine(line))
            .ToList();

        Assert.NotEmpty(paragraphs);
        Assert.All(paragraphs, paragraph => Assert.Contains(paragraph, body));
    }

    [Fact]
    public void Arabic_article_is_split_into_title_lede_headings_and_list()
    {
        const string text = """
            سوق النحاسين يستعيد زواره
            بعد ثلاث سنوات من الإغلاق، فتح سوق النحاسين في المدينة القديمة أبوابه من جديد صباح الأحد، وسط ترحيب الحرفيين والسكان.

            عودة الورش
            أعاد أكثر من أربعين حرفيا تشغيل ورشهم، بعضهم بأدوات ورثها عن آبائه، وبعضهم بمعدات جديدة قدمتها البلدية.
            وتشمل المنتجات المعروضة حاليا:
            - الصواني المطروقة
            -
            - الفوانيس النحاسية
            • أباريق القهوة
            ما الذي ينتظر السوق
            يأمل التجار أن يعود السياح مع بداية الربيع، لكنهم يشكون من ارتفاع أسعار المواد الخام.
            اشترك في نشرتنا البريدية
            جميع الحقوق محفوظة © 2025
            """;

        var result = TextImporter.Parse(text);

        Assert.Equal("سوق النحاسين يستعيد زواره", result.Title);
        Assert.Equal("بعد ثلاث سنوات من الإغلاق، فتح سوق النحاسين في المدينة القديمة أبوابه من جديد صباح الأحد، وسط ترحيب الحرفيين والسكان.", result.Lede);
        string[] headings = ["عودة الورش", "ما الذي ينتظر السوق"];
        Assert.Equal(headings, Headings(result));
        string[] items = ["- الصواني المطروقة", "- الفوانيس النحاسية", "- أباريق القهوة"];
        Assert.Equal(items, Assert.Single(Lists(result)));
        var body = BodyLines(result);
        Assert.Contains("أعاد أكثر من أربعين حرفيا تشغيل ورشهم، بعضهم بأدوات ورثها عن آبائه، وبعضهم بمعدات جديدة قدمتها البلدية.", body);
        Assert.Contains("وتشمل المنتجات المعروضة حاليا:", body);
        Assert.Contains("يأمل التجار أن يعود السياح مع بداية الربيع، لكنهم يشكون من ارتفاع أسعار المواد الخام.", body);
        Assert.DoesNotContain("اشترك", result.BodyMarkdown, StringComparison.Ordinal);
        Assert.DoesNotContain("نشرتنا", result.BodyMarkdown, StringComparison.Ordinal);
        Assert.DoesNotContain("محفوظة", result.BodyMarkdown, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Title!, result.BodyMarkdown, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Lede, result.BodyMarkdown, StringComparison.Ordinal);
    }

    [Fact]
    public void English_article_with_a_title_line()
    {
        const string text = """
            Harbour Ferry Returns After Two-Year Pause
            The harbour ferry carried its first passengers since the pier collapsed, city officials said on Monday.
            Repairs and Delays
            Engineers replaced the pier's timber piles with steel after a survey found widespread rot.
            1. Survey completed in spring
            2. Piles replaced over the summer
            What Comes Next
            The operator plans to add an evening service if demand holds through the winter.
            Share this article
            """;

        var result = TextImporter.Parse(text);

        Assert.Equal("Harbour Ferry Returns After Two-Year Pause", result.Title);
        Assert.Equal("The harbour ferry carried its first passengers since the pier collapsed, city officials said on Monday.", result.Lede);
        Assert.Equal(
            "## Repairs and Delays\n\n"
            + "Engineers replaced the pier's timber piles with steel after a survey found widespread rot.\n\n"
            + "1. Survey completed in spring\n2. Piles replaced over the summer\n\n"
            + "## What Comes Next\n\n"
            + "The operator plans to add an evening service if demand holds through the winter.",
            result.BodyMarkdown);
    }

    [Fact]
    public void Newsletter_mentioned_mid_article_is_kept_while_the_trailing_promotion_goes()
    {
        const string text = """
            The city library will open on Sundays from next month, the council said after a vote on Tuesday night.
            The council also announced a weekly newsletter for residents who want updates on the building work.
            Opening hours on weekdays stay as they are.
            Stay in the loop
            Sign up for our newsletter
            Delivered straight to your inbox every Friday.
            """;

        var result = TextImporter.Parse(text);

        Assert.Null(result.Title);
        Assert.Equal(
            "The council also announced a weekly newsletter for residents who want updates on the building work.\n\n"
            + "Opening hours on weekdays stay as they are.",
            result.BodyMarkdown);
    }

    [Fact]
    public void Arabic_closing_sentence_about_taking_part_is_not_mistaken_for_a_share_button()
    {
        const string text = """
            انطلقت صباح الجمعة مسيرة في وسط المدينة للمطالبة بإصلاح شبكة المياه.
            شارك أكثر من ألف شخص في المسيرة.
            """;

        var result = TextImporter.Parse(text);

        Assert.Equal("شارك أكثر من ألف شخص في المسيرة.", result.BodyMarkdown);
    }

    [Fact]
    public void Trailing_related_links_list_is_removed()
    {
        const string text = """
            The bridge reopened to traffic on Saturday after nine months of repairs.
            Drivers reported short queues during the morning rush.
            Related articles
            - Bridge closure extended into spring
            - Council approves repair budget
            """;

        var result = TextImporter.Parse(text);

        Assert.Equal("Drivers reported short queues during the morning rush.", result.BodyMarkdown);
    }

    [Theory]
    [InlineData("Who pays for the repairs?")]
    [InlineData("The minister said:")]
    [InlineData("Prices rose again.")]
    [InlineData("“We will rebuild.”")]
    [InlineData("من يدفع ثمن الإصلاح؟")]
    [InlineData("وقال الوزير:")]
    [InlineData("ارتفعت الأسعار مجددا،")]
    public void Short_line_ending_in_sentence_punctuation_stays_a_paragraph(string line)
    {
        var text = "A first paragraph sets the scene for the story that follows it here.\n" + line
            + "\nA closing paragraph ends the article with a full sentence of its own.";

        var result = TextImporter.Parse(text);

        Assert.Empty(Headings(result));
        Assert.Contains(line, BodyLines(result));
    }

    [Fact]
    public void Short_last_line_is_not_a_heading()
    {
        var result = TextImporter.Parse("A first paragraph sets the scene for the story.\nSecond paragraph here.\nReporting by Jane Doe");

        Assert.Empty(Headings(result));
        Assert.Equal("Second paragraph here.\n\nReporting by Jane Doe", result.BodyMarkdown);
    }

    [Theory]
    [InlineData("Only one line without a full stop")]
    [InlineData("The whole article is a single sentence.")]
    public void Single_line_is_the_lede_not_a_title(string text)
    {
        var result = TextImporter.Parse(text);

        Assert.Null(result.Title);
        Assert.Equal(text, result.Lede);
        Assert.Equal("", result.BodyMarkdown);
    }

    [Theory]
    [InlineData("# of votes counted rose overnight.", "\\# of votes counted rose overnight.")]
    [InlineData("> not a quote, just an arrow.", "\\> not a quote, just an arrow.")]
    [InlineData("+5 points for the home side.", "\\+5 points for the home side.")]
    [InlineData("*Asterisks were in the original.", "\\*Asterisks were in the original.")]
    [InlineData("-3 degrees is expected tonight.", "\\-3 degrees is expected tonight.")]
    [InlineData("2024. That was the year it began.", "2024\\. That was the year it began.")]
    [InlineData("<b>Tags</b> stay for the sanitiser.", "<b>Tags</b> stay for the sanitiser.")]
    [InlineData("Plain *emphasis* inside is left alone.", "Plain *emphasis* inside is left alone.")]
    public void Paragraph_that_would_read_as_markdown_syntax_is_escaped(string paragraph, string expected)
    {
        var result = TextImporter.Parse("The lede comes first and is a full sentence.\n" + paragraph + "\nThe last paragraph.");

        Assert.Equal(expected + "\n\nThe last paragraph.", result.BodyMarkdown);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t\n")]
    [InlineData("-\n- \n•")]
    [InlineData("Subscribe to our newsletter\nAll rights reserved.")]
    public void Text_without_a_paragraph_has_nothing_to_import(string text)
    {
        var e = Assert.Throws<ImportException>(() => TextImporter.Parse(text));

        Assert.Contains("nothing to import", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ReadFile_of_a_missing_file_says_not_found()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadsheet-missing-{Guid.NewGuid():N}.txt");

        var e = Assert.Throws<ImportException>(() => TextImporter.ReadFile(path));

        Assert.Contains("not found", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ReadFile_of_a_directory_says_directory()
    {
        var path = Directory.CreateTempSubdirectory("broadsheet-import-").FullName;
        try
        {
            var e = Assert.Throws<ImportException>(() => TextImporter.ReadFile(path));

            Assert.Contains("directory", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(path);
        }
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, "empty")]
    [InlineData(new byte[] { 0x20, 0x0A, 0x09, 0x0D, 0x0A, 0x20 }, "whitespace")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x41 }, "binary")]
    [InlineData(new byte[] { 0x01, 0x02, 0x03, 0x41, 0x42, 0x1B, 0x07 }, "binary")]
    [InlineData(new byte[] { 0x61, 0xC3, 0x28, 0x62 }, "UTF-8")]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41, 0x00 }, "UTF-16")]
    public void ReadFile_rejects_content_that_is_not_text(byte[] bytes, string problem)
    {
        using var file = new TempFile(bytes);

        var e = Assert.Throws<ImportException>(() => TextImporter.ReadFile(file.Path));

        Assert.Contains(problem, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ReadFile_rejects_a_file_over_five_megabytes()
    {
        var bytes = new byte[TextImporter.MaxFileBytes + 1];
        Array.Fill(bytes, (byte)'a');
        using var file = new TempFile(bytes);

        var e = Assert.Throws<ImportException>(() => TextImporter.ReadFile(file.Path));

        Assert.Contains("too large", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("5 MB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_accepts_a_file_of_exactly_five_megabytes()
    {
        var bytes = new byte[TextImporter.MaxFileBytes];
        Array.Fill(bytes, (byte)'a');
        using var file = new TempFile(bytes);

        Assert.Equal(bytes.Length, TextImporter.ReadFile(file.Path).Length);
    }

    [Fact]
    public void ReadFile_strips_a_bom_and_normalises_line_endings_and_composition()
    {
        // "Cafe" + combining acute accent, then CRLF and a lone CR.
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Cafe\u0301 مرحبا\r\nsecond\rthird")];
        using var file = new TempFile(bytes);

        var text = TextImporter.ReadFile(file.Path);

        Assert.Equal("Caf\u00E9 مرحبا\nsecond\nthird", text);
    }

    private static (List<string> Lines, ImportedText Result) ParseSeed()
    {
        var text = TextImporter.ReadFile(Fixtures.Path("seed-article.txt"));
        var lines = text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        return (lines, TextImporter.Parse(text));
    }

    private static bool IsBoilerplateLine(string line) =>
        BoilerplateMarkers.Any(marker => line.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private static string[] BodyLines(ImportedText result) => result.BodyMarkdown.Split('\n');

    private static List<string> Headings(ImportedText result) =>
        BodyLines(result).Where(line => line.StartsWith("## ", StringComparison.Ordinal)).Select(line => line[3..]).ToList();

    // A list is a run of consecutive Markdown item lines; a blank line or any other line ends it.
    private static List<List<string>> Lists(ImportedText result)
    {
        var lists = new List<List<string>>();
        List<string>? current = null;
        foreach (var line in BodyLines(result))
        {
            if (Regex.IsMatch(line, @"^(?:-|[0-9]+\.)(?: |$)"))
            {
                current ??= [];
                current.Add(line);
            }
            else if (current is not null)
            {
                lists.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            lists.Add(current);
        }

        return lists;
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(byte[] bytes)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"broadsheet-import-{Guid.NewGuid():N}.txt");
            File.WriteAllBytes(Path, bytes);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
