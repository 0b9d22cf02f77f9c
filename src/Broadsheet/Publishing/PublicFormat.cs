using System.Globalization;
using System.Text;

namespace Broadsheet.Publishing;

/// <summary>
/// How the publication writes its public addresses, dates and numbers, wherever they appear: the site's pages and
/// feeds, and the newsletter's editions. One place, so a link in a mail is always the link the site answers to.
/// </summary>
public static class PublicFormat
{
    // The month names used across most of the Arab press; the Gregorian calendar, not the Hijri
    // default of some Arabic cultures.
    private static readonly string[] ArabicMonths =
        ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

    /// <summary>A post's page: <c>/{language}/{slug}</c> (slugs may be Arabic, so escaped).</summary>
    public static string ArticlePath(string language, string slug) => $"/{language}/{Uri.EscapeDataString(slug)}";

    /// <summary>A path on the site as a full address, for mail, feeds and canonical links.</summary>
    public static string Absolute(string siteUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        return siteUrl.TrimEnd('/') + path;
    }

    /// <summary>A date as the language's readers write it (<c>1 December 2026</c>, <c>١ ديسمبر ٢٠٢٦</c>), in the publication's zone.</summary>
    public static string Date(DateTime utc, string language, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return language == Language.Arabic
            ? Number($"{local.Day} {ArabicMonths[local.Month - 1]} {local.Year}", language)
            : local.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// "4 min read" / "وقت القراءة: ٤ دقائق": in Arabic the noun follows the number's grammar (one minute, two
    /// minutes in the dual, three to ten in the plural, eleven and more in the singular).
    /// </summary>
    public static string ReadingTime(int minutes, string language)
    {
        if (language != Language.Arabic)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{minutes} min read");
        }

        var amount = minutes switch
        {
            <= 1 => "دقيقة واحدة",
            2 => "دقيقتان",
            <= 10 => string.Create(CultureInfo.InvariantCulture, $"{minutes} دقائق"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{minutes} دقيقة"),
        };
        return Number("وقت القراءة: " + amount, language);
    }

    /// <summary>Writes digits as Arabic-Indic digits in Arabic text.</summary>
    public static string Number(string text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (language != Language.Arabic)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c is >= '0' and <= '9' ? (char)('\u0660' + (c - '0')) : c);
        }

        return result.ToString();
    }
}
