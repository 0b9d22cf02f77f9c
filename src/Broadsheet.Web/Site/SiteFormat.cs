using System.Globalization;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>Dates, numbers and paths as each language's readers expect them (the shared rules are the library's <see cref="PublicFormat"/>).</summary>
internal static class SiteFormat
{
    public static string Date(DateTime utc, string language, TimeZoneInfo zone) => PublicFormat.Date(utc, language, zone);

    /// <summary>Writes digits as Arabic-Indic digits on Arabic pages.</summary>
    public static string Number(string text, string language) => PublicFormat.Number(text, language);

    public static string Number(int value, string language) => Number(value.ToString(CultureInfo.InvariantCulture), language);

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string KindSegment(PostKind kind) => kind switch
    {
        PostKind.Report => "reports",
        PostKind.News => "news",
        _ => "designs",
    };

    public static string ArticlePath(string language, string slug) => PublicFormat.ArticlePath(language, slug);

    public static string TagPath(string language, string slug) => $"/{language}/tag/{Uri.EscapeDataString(slug)}";

    public static string AuthorPath(string language, string slug) => $"/{language}/author/{Uri.EscapeDataString(slug)}";

    public static string Absolute(string siteUrl, string path) => PublicFormat.Absolute(siteUrl, path);

    public static string ReadingTime(Post post) => PublicFormat.ReadingTime(Publishing.ReadingTime.Minutes(post.WordCount, post.Language), post.Language);
}
