using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Broadsheet.Publishing;

/// <summary>
/// Turns an article scraped to plain text (English or Arabic) into a title, a lede and a Markdown body.
/// Scraped text has lost its markup, so structure is recovered by heuristics: one line is one paragraph,
/// short unpunctuated lines are headings, marker lines are list items, and site boilerplate trailing the
/// article (newsletter promotions, share and copyright lines) is dropped.
/// </summary>
public static partial class TextImporter
{
    public const long MaxFileBytes = 5 * 1024 * 1024;

    private const int MaxTitleWords = 15;
    private const int MaxTitleChars = 200;
    private const int MaxHeadingWords = 10;
    private const int MaxHeadingChars = 90;

    // Boilerplate keywords are also ordinary words ("share", "related", Arabic "شارك" = "took part"), so a
    // single one only condemns a line that is short and not a finished sentence.
    private const int MaxBoilerplateWords = 12;

    // Text has no business containing control characters; a few strays (an escape code pasted from a
    // terminal) are tolerated, one in twenty is a binary file that happens to decode as UTF-8.
    private const int ControlCharDivisor = 20;

    private const string NothingToImport =
        "The text has nothing to import: no paragraph is left once blank lines, empty bullets and trailing "
        + "site boilerplate (newsletter promotions, share and copyright lines) are set aside. "
        + "Check that the file holds the article itself.";

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];

    private static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const string BulletMarkers = "-–—•*●▪◦";
    private const string SentenceEnders = ".!?:;…,،؛؟۔‼⁇⁈⁉";
    private const string ClosingMarks = "\"'”’»›)]}";

    // Phrases that only site furniture uses; one is enough whatever the length of the line.
    private static readonly Regex[] DecisiveBoilerplate =
    [
        OurNewsletterRegex(),
        SubscribeToRegex(),
        YourInboxRegex(),
        RightsReservedRegex(),
        CopyrightNoticeRegex(),
        ArabicOurNewsletterRegex(),
        ArabicOurPaperRegex(),
        ArabicMailingListRegex(),
        ArabicRightsReservedRegex(),
        ArabicReadAlsoRegex(),
        ArabicFollowUsRegex(),
        ArabicSubscribeNowRegex(),
    ];

    private static readonly Regex[] BoilerplateKeywords =
    [
        NewsletterRegex(),
        SubscribeRegex(),
        SignUpRegex(),
        InboxRegex(),
        ShareRegex(),
        FollowUsRegex(),
        RelatedRegex(),
        ReadMoreRegex(),
        CopyrightRegex(),
        ArabicSubscribeRegex(),
        ArabicSubscriptionRegex(),
        ArabicShareRegex(),
        ArabicFollowRegex(),
        ArabicRelatedRegex(),
        ArabicNewsletterRegex(),
    ];

    private enum BlockKind
    {
        Text,
        Bullet,
        Numbered,
    }

    private enum Role
    {
        Paragraph,
        Heading,
        Item,
    }

    private sealed record Block(BlockKind Kind, string Text, int Number = 0);

    /// <summary>Reads a UTF-8 text file for <see cref="Parse"/>, refusing anything that is not one.</summary>
    /// <exception cref="ImportException">The file is missing, unreadable, too large, empty, binary or not UTF-8.</exception>
    public static string ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ImportException("No file was given: pass the path of a UTF-8 plain-text file holding the article.");
        }

        if (Directory.Exists(path))
        {
            throw new ImportException($"'{path}' is a directory, not a file: pass the path of the article's plain-text file.");
        }

        byte[] bytes;
        try
        {
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImportException($"File not found: '{path}'. Check the path and the spelling of the file name.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ImportException($"'{path}' cannot be read: permission denied. Check that you are allowed to read it.", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new ImportException($"'{path}' cannot be read ({e.Message}). Check that it is an ordinary, readable file.", e);
        }

        return Decode(path, bytes);
    }

    /// <summary>Splits scraped article text into title, lede and Markdown body.</summary>
    /// <exception cref="ImportException">No paragraph is left to import.</exception>
    public static ImportedText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var blocks = SplitIntoBlocks(text);
        RemoveTrailingBoilerplate(blocks);
        var roles = Classify(blocks);

        var start = 0;
        string? title = null;
        // A title needs something to head: with no paragraph after it, the line is the article itself.
        if (blocks.Count > 1 && blocks[0].Kind == BlockKind.Text && IsTitleLike(blocks[0].Text) && IndexOfParagraph(roles, 1) >= 0)
        {
            title = blocks[0].Text;
            start = 1;
        }

        var lede = IndexOfParagraph(roles, start);
        if (lede < 0)
        {
            throw new ImportException(NothingToImport);
        }

        return new ImportedText(title, blocks[lede].Text, RenderBody(blocks, roles, start, lede));
    }

    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long? length = null;
        if (stream.CanSeek)
        {
            length = stream.Length;
            if (length > MaxFileBytes)
            {
                throw TooLarge(path, length);
            }
        }

        // The bound is enforced while reading too: a pipe has no length, and a file may grow after the check.
        using var buffer = new MemoryStream(length is { } known ? (int)known : 0);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                throw TooLarge(path, null);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ImportException TooLarge(string path, long? length)
    {
        var size = length is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes")
            : "more than that";
        var limit = string.Create(CultureInfo.InvariantCulture, $"5 MB ({MaxFileBytes:N0} bytes)");
        return new ImportException(
            $"'{path}' is too large to import: the limit is {limit} and it is {size}. "
            + "Check that it is the right file; an article that long should be split or trimmed first.");
    }

    private static string Decode(string path, byte[] bytes)
    {
        var offset = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var content = bytes.AsSpan(offset);

        if (content.StartsWith(Utf16LittleEndianBom) || content.StartsWith(Utf16BigEndianBom))
        {
            throw new ImportException($"'{path}' is encoded as UTF-16, not UTF-8. Save it again as UTF-8 and import it once more.");
        }

        if (content.IsEmpty)
        {
            throw new ImportException($"'{path}' is empty: there is nothing to import. Put the article's text in it first.");
        }

        if (content.Contains((byte)0))
        {
            throw new ImportException(
                $"'{path}' looks like a binary file (it contains NUL bytes), not plain text. "
                + "Export the article as a UTF-8 .txt file (text saved as UTF-16 must be saved again as UTF-8) and import that.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException e)
        {
            var where = e.Index >= 0
                ? string.Create(CultureInfo.InvariantCulture, $" (the first bad byte is at offset {e.Index + offset})")
                : "";
            throw new ImportException(
                $"'{path}' is not valid UTF-8 text{where}. It is probably in another encoding, such as Windows-1252 "
                + "or Windows-1256: save it again as UTF-8 and import it once more.", e);
        }

        if (CountControlCharacters(text) * ControlCharDivisor > text.Length)
        {
            throw new ImportException(
                $"'{path}' looks like a binary file (it is full of control characters), not plain text. "
                + "Export the article as a UTF-8 .txt file and import that.");
        }

        if (IsBlank(text))
        {
            throw new ImportException($"'{path}' contains only whitespace: there is nothing to import. Put the article's text in it first.");
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Normalize(NormalizationForm.FormC);
    }

    private static int CountControlCharacters(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n' or '\f'))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (!IsInvisible(c))
            {
                return false;
            }
        }

        return true;
    }

    // Scraped Arabic is littered with bidi marks and zero-width characters; left on a line's ends they
    // would hide its final punctuation from the heading test.
    private static bool IsInvisible(char c) =>
        char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\u061C' or '\uFEFF';

    private static string TrimInvisible(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsInvisible(s[start]))
        {
            start++;
        }

        while (end > start && IsInvisible(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    private static List<Block> SplitIntoBlocks(string text)
    {
        var blocks = new List<Block>();
        // Scrapers emit one paragraph per line, so every non-blank line is a block; blank lines add nothing.
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = TrimInvisible(raw);
            if (line.Length == 0)
            {
                continue;
            }

            if (TryParseBullet(line, out var item))
            {
                // An empty bullet is a scraping artefact (an icon or image that lost its content), not text.
                if (item.Length > 0)
                {
                    blocks.Add(new Block(BlockKind.Bullet, item));
                }
            }
            else if (NumberedItemRegex().Match(line) is { Success: true } numbered)
            {
                var entry = TrimInvisible(numbered.Groups["text"].Value);
                if (entry.Length > 0)
                {
                    blocks.Add(new Block(BlockKind.Numbered, entry, ParseNumber(numbered.Groups["number"].Value)));
                }
            }
            else
            {
                blocks.Add(new Block(BlockKind.Text, line));
            }
        }

        return blocks;
    }

    private static bool TryParseBullet(string line, out string item)
    {
        item = "";
        if (!BulletMarkers.Contains(line[0], StringComparison.Ordinal) || (line.Length > 1 && !char.IsWhiteSpace(line[1])))
        {
            return false;
        }

        item = TrimInvisible(line[1..]);
        // "* * *" and "- - -" are scene breaks drawn with bullets: nothing to list.
        if (item.All(c => BulletMarkers.Contains(c, StringComparison.Ordinal) || IsInvisible(c)))
        {
            item = "";
        }

        return true;
    }

    private static int ParseNumber(string digits)
    {
        // Arabic-Indic digits are numbered the same; Markdown itself only understands ASCII ones.
        var number = 0;
        foreach (var c in digits)
        {
            number = (number * 10) + (int)char.GetNumericValue(c);
        }

        return number;
    }

    private static void RemoveTrailingBoilerplate(List<Block> blocks)
    {
        var removed = false;
        while (blocks.Count > 0)
        {
            if (IsBoilerplate(blocks[^1].Text))
            {
                blocks.RemoveAt(blocks.Count - 1);
                removed = true;
                continue;
            }

            // "Related articles" or "Read more:" followed by the linked headlines, as a list or as bare short
            // lines: the headlines themselves carry no keyword.
            var header = -1;
            for (var k = blocks.Count - 1; k > 0 && IsLinkLike(blocks[k]); k--)
            {
                if (IsBoilerplate(blocks[k - 1].Text))
                {
                    header = k - 1;
                    break;
                }
            }

            if (header < 0)
            {
                break;
            }

            blocks.RemoveRange(header, blocks.Count - header);
            removed = true;
        }

        // What headed the promotion ("Stay in the loop") would otherwise end the article as a stray line.
        if (removed && blocks.Count > 1 && blocks[^1].Kind == BlockKind.Text && IsHeadingCandidate(blocks[^1].Text))
        {
            blocks.RemoveAt(blocks.Count - 1);
        }
    }

    private static bool IsLinkLike(Block block) => block.Kind != BlockKind.Text || IsHeadingCandidate(block.Text);

    private static bool IsBoilerplate(string line)
    {
        if (DecisiveBoilerplate.Any(pattern => pattern.IsMatch(line)))
        {
            return true;
        }

        var hits = BoilerplateKeywords.Count(pattern => pattern.IsMatch(line));
        return hits >= 2
            || (hits == 1 && CountWords(line) <= MaxBoilerplateWords && !line.EndsWith('.') && !line.EndsWith('۔'));
    }

    private static Role[] Classify(List<Block> blocks)
    {
        var roles = new Role[blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Kind != BlockKind.Text)
            {
                roles[i] = Role.Item;
                continue;
            }

            // A heading must introduce prose or a list; of two heading-like lines in a row only the second
            // introduces anything, and the first is more likely a byline, caption or dateline.
            var introducesContent = i + 1 < blocks.Count
                && (blocks[i + 1].Kind != BlockKind.Text || !IsHeadingCandidate(blocks[i + 1].Text));
            roles[i] = introducesContent && IsHeadingCandidate(blocks[i].Text) ? Role.Heading : Role.Paragraph;
        }

        return roles;
    }

    private static int IndexOfParagraph(Role[] roles, int from)
    {
        for (var i = from; i < roles.Length; i++)
        {
            if (roles[i] == Role.Paragraph)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsTitleLike(string line) => IsShortUnpunctuated(line, MaxTitleWords, MaxTitleChars);

    private static bool IsHeadingCandidate(string line) =>
        !BulletMarkers.Contains(line[0], StringComparison.Ordinal) && IsShortUnpunctuated(line, MaxHeadingWords, MaxHeadingChars);

    private static bool IsShortUnpunctuated(string line, int maxWords, int maxChars) =>
        line.Length <= maxChars
        && CountWords(line) <= maxWords
        && line.Any(char.IsLetter)
        && !EndsWithSentencePunctuation(line);

    private static bool EndsWithSentencePunctuation(string line)
    {
        var end = line.Length;
        while (end > 0 && ClosingMarks.Contains(line[end - 1], StringComparison.Ordinal))
        {
            end--;
        }

        return end > 0 && SentenceEnders.Contains(line[end - 1], StringComparison.Ordinal);
    }

    private static int CountWords(string line)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in line)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord)
            {
                words++;
            }

            inWord = !space;
        }

        return words;
    }

    private static string RenderBody(List<Block> blocks, Role[] roles, int start, int lede)
    {
        var parts = new List<string>();
        // Markdown joins two lists of the same kind separated only by a blank line (as happens when the
        // lede sat between them); switching the marker keeps them apart.
        var previousList = (Kind: BlockKind.Text, Alternate: false, End: -1);
        var i = start;
        while (i < blocks.Count)
        {
            if (i == lede)
            {
                i++;
                continue;
            }

            switch (roles[i])
            {
                case Role.Heading:
                    parts.Add("## " + EscapeHeading(blocks[i].Text));
                    i++;
                    break;
                case Role.Paragraph:
                    parts.Add(EscapeBlockStart(blocks[i].Text));
                    i++;
                    break;
                default:
                {
                    var kind = blocks[i].Kind;
                    var alternate = previousList.Kind == kind && previousList.End == parts.Count && !previousList.Alternate;
                    var first = blocks[i].Number;
                    var items = new List<string>();
                    while (i < blocks.Count && blocks[i].Kind == kind)
                    {
                        var marker = kind == BlockKind.Bullet
                            ? (alternate ? "* " : "- ")
                            : (first + items.Count).ToString(CultureInfo.InvariantCulture) + (alternate ? ") " : ". ");
                        items.Add(marker + EscapeBlockStart(blocks[i].Text));
                        i++;
                    }

                    parts.Add(string.Join('\n', items));
                    previousList = (kind, alternate, parts.Count);
                    break;
                }
            }
        }

        return string.Join("\n\n", parts);
    }

    // The text is plain prose: anything at the start of a line that Markdown (with the renderer's
    // extensions) would take for block syntax is escaped; inline characters and '<' are left alone,
    // the latter for the HTML sanitiser to judge.
    private static string EscapeBlockStart(string text)
    {
        if (text[0] is '#' or '>' or '-' or '+' or '*'
            || text.StartsWith("```", StringComparison.Ordinal)
            || text.StartsWith("~~~", StringComparison.Ordinal)
            || text.StartsWith("^^^", StringComparison.Ordinal)
            || (text[0] == '_' && ThematicBreakRegex().IsMatch(text))
            || (text[0] == '[' && DefinitionRegex().IsMatch(text)))
        {
            return "\\" + text;
        }

        // "12. ", "b) " or "IV. " would open an ordered list; escaping the delimiter keeps the text as it is.
        if (ListMarkerRegex().Match(text) is { Success: true } marker)
        {
            return text[..marker.Length] + "\\" + text[marker.Length..];
        }

        return text;
    }

    private static string EscapeHeading(string text)
    {
        // A run of '#' at the end of an ATX heading is read as its closing sequence and vanishes.
        var end = text.Length;
        while (end > 0 && text[end - 1] == '#')
        {
            end--;
        }

        return end == text.Length ? text : text[..end] + "\\" + text[end..];
    }

    [GeneratedRegex(@"^(?<number>[0-9\u0660-\u0669\u06F0-\u06F9]{1,3})[.)](?:\s+(?<text>.*))?$")]
    private static partial Regex NumberedItemRegex();

    [GeneratedRegex(@"^(?:[0-9]{1,9}|[a-zA-Z]|[ivxlcdmIVXLCDM]+)(?=[.)](?:\s|$))")]
    private static partial Regex ListMarkerRegex();

    [GeneratedRegex(@"^(?:_\s*){3,}$")]
    private static partial Regex ThematicBreakRegex();

    [GeneratedRegex(@"^\[[^\]]+\]:")]
    private static partial Regex DefinitionRegex();

    [GeneratedRegex(@"\bour\s+(?:\w+\s+)?newsletters?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OurNewsletterRegex();

    [GeneratedRegex(@"\bsubscrib(?:e|ing)\s+(?:to|for|now|today)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SubscribeToRegex();

    [GeneratedRegex(@"\byour\s+inbox\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex YourInboxRegex();

    [GeneratedRegex(@"\ball\s+rights\s+reserved\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RightsReservedRegex();

    [GeneratedRegex(@"©|\(c\)\s*(?:19|20)[0-9]{2}|\bcopyright\s+(?:19|20)[0-9]{2}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CopyrightNoticeRegex();

    [GeneratedRegex(@"نشرتنا")]
    private static partial Regex ArabicOurNewsletterRegex();

    [GeneratedRegex(@"جريدتنا")]
    private static partial Regex ArabicOurPaperRegex();

    [GeneratedRegex(@"(?:ال)?نشر[ةه]\s+(?:ال)?بريدي[ةه]")]
    private static partial Regex ArabicMailingListRegex();

    [GeneratedRegex(@"الحقوق\s+محفوظ[ةه]")]
    private static partial Regex ArabicRightsReservedRegex();

    [GeneratedRegex(@"(?<!\p{L})[اإأ]قر[أا]\s+(?:[أا]يضا|المزيد)")]
    private static partial Regex ArabicReadAlsoRegex();

    [GeneratedRegex(@"(?<!\p{L})[وف]?تابعونا(?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicFollowUsRegex();

    [GeneratedRegex(@"(?<!\p{L})[وف]?اشتركوا?\s+(?:الآن|الان|مجان)")]
    private static partial Regex ArabicSubscribeNowRegex();

    [GeneratedRegex(@"\bnewsletters?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NewsletterRegex();

    [GeneratedRegex(@"\bsubscri(?:be|bed|bing|ption|ptions|ber|bers)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SubscribeRegex();

    [GeneratedRegex(@"\bsign(?:ing)?[\s-]?up\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignUpRegex();

    [GeneratedRegex(@"\binbox\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InboxRegex();

    // "Share" alone is an ordinary word (market share, share prices); only the button's wording counts.
    [GeneratedRegex(@"^\W*share\W*$|\bshare\s+(?:this|it|on|via|with|the\s+(?:article|story|post|page))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShareRegex();

    [GeneratedRegex(@"\bfollow\s+us\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FollowUsRegex();

    [GeneratedRegex(@"^\W*related\b|\brelated\s+(?:articles?|stories|story|posts?|news|coverage|reading|content|links|topics)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelatedRegex();

    [GeneratedRegex(@"\bread\s+(?:more|also)\b|\balso\s+read\b|\bsee\s+also\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReadMoreRegex();

    [GeneratedRegex(@"\bcopyright\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CopyrightRegex();

    // Prefixes and suffixes are spelled out because the bare stems occur inside unrelated words
    // ("المشاركة", participation; "اشتركت", she took part).
    [GeneratedRegex(@"(?<!\p{L})[وف]?اشترك(?:وا|ي)?(?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicSubscribeRegex();

    [GeneratedRegex(@"(?<!\p{L})(?:[وفب]?(?:ال|لل)?)اشتراك(?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicSubscriptionRegex();

    [GeneratedRegex(@"(?<!\p{L})[وف]?شارك(?:وا|ي|ها|نا)?(?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicShareRegex();

    [GeneratedRegex(@"(?<!\p{L})[وف]?تابعنا(?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicFollowRegex();

    [GeneratedRegex(@"ذات\s+صل[ةه]")]
    private static partial Regex ArabicRelatedRegex();

    [GeneratedRegex(@"(?<!\p{L})(?:[وفب]?(?:ال|لل)?)نشر[ةه](?![\p{L}\p{Mn}])")]
    private static partial Regex ArabicNewsletterRegex();
}
