using System.Globalization;
using System.Text;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>Dates, numbers and paths as each language's readers expect them.</summary>
internal static class SiteFormat
{
    // The month names used across most of the Arab press; the Gregorian calendar, not the Hijri
    // default of some Arabic cultures.
    private static readonly string[] ArabicMonths =
        ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];

    public static string Date(DateTime utc, string language, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return language == Language.Arabic
            ? Number($"{local.Day} {ArabicMonths[local.Month - 1]} {local.Year}", language)
            : local.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>Writes digits as Arabic-Indic digits on Arabic pages.</summary>
    public static string Number(string text, string language)
    {
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

    public static string Number(int value, string language) => Number(value.ToString(CultureInfo.InvariantCulture), language);

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string KindSegment(PostKind kind) => kind switch
    {
        PostKind.Report => "reports",
        PostKind.News => "news",
        _ => "designs",
    };

    public static string ArticlePath(string language, string slug) => $"/{language}/{Uri.EscapeDataString(slug)}";

    public static string TagPath(string language, string slug) => $"/{language}/tag/{Uri.EscapeDataString(slug)}";

    public static string AuthorPath(string language, string slug) => $"/{language}/author/{Uri.EscapeDataString(slug)}";

    public static string Absolute(string siteUrl, string path) => siteUrl.TrimEnd('/') + path;

    public static string ReadingTime(Post post, SiteText text) =>
        Number(string.Format(CultureInfo.InvariantCulture, text.MinutesRead, Publishing.ReadingTime.Minutes(post.WordCount, post.Language)), post.Language);
}
