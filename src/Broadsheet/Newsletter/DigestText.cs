using System.Globalization;
using Broadsheet.Publishing;

namespace Broadsheet.Newsletter;

/// <summary>
/// The words of an edition in each language (section titles, the default subject, the line on why the reader gets
/// it, the footer's links), handed to the templates as variables so one template serves both languages.
/// </summary>
internal sealed class DigestText
{
    public static readonly DigestText English = new()
    {
        Language = Broadsheet.Language.English,
        Reports = "Reports", News = "News", Designs = "Designs",
        DigestHeading = "The most important updates",
        SpecialHeading = "Special edition",
        DigestSubject = "{0}: the most important updates, {1}",
        SpecialSubject = "{0}: a special edition, {1}",
        WhyEmail = "You are receiving this newsletter from {0} because you subscribed to it on our website.",
        WhyWeb = "This is {0}'s newsletter: the most important updates from our website, in its subscribers' inboxes twice a month.",
        ReadMore = "Read more",
        WebVersion = "Read this edition in your browser",
        Preferences = "Manage your preferences",
        Unsubscribe = "Unsubscribe",
        Subscribe = "Subscribe to the newsletter",
        Site = "Visit our website",
    };

    public static readonly DigestText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Reports = "تقارير", News = "أخبار", Designs = "تصاميم",
        DigestHeading = "أهم المستجدات",
        SpecialHeading = "عدد خاص",
        DigestSubject = "{0}: أهم المستجدات، {1}",
        SpecialSubject = "{0}: عدد خاص، {1}",
        WhyEmail = "وصلتك هذه الرسالة لأنك اشتركت في نشرة {0} على موقعنا.",
        WhyWeb = "تحمل نشرة {0} أهم المستجدات من موقعنا إلى بريد مشتركيها مرتين في الشهر.",
        ReadMore = "اقرأ المزيد",
        WebVersion = "اقرأ هذا العدد في المتصفح",
        Preferences = "إدارة تفضيلاتك",
        Unsubscribe = "إلغاء الاشتراك",
        Subscribe = "اشترك في النشرة",
        Site = "زر موقعنا",
    };

    public static DigestText For(string language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Reports { get; init; }
    public required string News { get; init; }
    public required string Designs { get; init; }
    public required string DigestHeading { get; init; }
    public required string SpecialHeading { get; init; }
    public required string DigestSubject { get; init; }
    public required string SpecialSubject { get; init; }
    public required string WhyEmail { get; init; }
    public required string WhyWeb { get; init; }
    public required string ReadMore { get; init; }
    public required string WebVersion { get; init; }
    public required string Preferences { get; init; }
    public required string Unsubscribe { get; init; }
    public required string Subscribe { get; init; }
    public required string Site { get; init; }

    public string SectionTitle(PostKind kind) => kind switch
    {
        PostKind.Report => Reports,
        PostKind.News => News,
        _ => Designs,
    };

    public string ReadingTime(int minutes) => PublicFormat.ReadingTime(minutes, Language);

    public static string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);
}
