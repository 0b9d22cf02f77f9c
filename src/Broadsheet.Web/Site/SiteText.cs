using System.Collections.Frozen;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>The site's own words in each language. Kept in code: there are few, and both languages must stay in step.</summary>
internal sealed class SiteText
{
    private static readonly FrozenDictionary<string, SiteText> ByLanguage = new Dictionary<string, SiteText>
    {
        [Language.English] = new()
        {
            Home = "Home", Reports = "Reports", News = "News", Designs = "Designs",
            Featured = "Featured", Latest = "Latest", More = "More", SkipToContent = "Skip to content",
            OtherLanguageName = "العربية", OtherLanguageCode = Language.Arabic,
            ReadInOtherLanguage = "اقرأ بالعربية",
            MinutesRead = "{0} min read", By = "By", Published = "Published", Updated = "Updated",
            Tags = "Topics", TagHeading = "Topic: {0}", AuthorHeading = "{0}",
            Page = "Page {0} of {1}", Newer = "Newer", Older = "Older", Empty = "Nothing has been published here yet.",
            NotFoundTitle = "Page not found",
            NotFoundBody = "We could not find that page. It may have moved, or the address may be mistyped.",
            BackHome = "Go to the front page",
            ErrorTitle = "Something went wrong",
            ErrorBody = "We could not show this page just now. Please try again in a moment.",
            NewsletterHeading = "Our free newsletter",
            NewsletterBody = "Our latest reports, news and designs, in your inbox twice a month: only the updates that matter most.",
            Feed = "RSS feed", MainNavigation = "Main", Footer = "Independent journalism in Arabic and English.",
            KindReport = "Report", KindNews = "News", KindDesign = "Design",
        },
        [Language.Arabic] = new()
        {
            Home = "الرئيسية", Reports = "تقارير", News = "أخبار", Designs = "تصاميم",
            Featured = "مختارات", Latest = "الأحدث", More = "المزيد", SkipToContent = "انتقل إلى المحتوى",
            OtherLanguageName = "English", OtherLanguageCode = Language.English,
            ReadInOtherLanguage = "Read in English",
            MinutesRead = "وقت القراءة: {0} دقيقة", By = "بقلم", Published = "نُشر في", Updated = "حُدّث في",
            Tags = "مواضيع", TagHeading = "موضوع: {0}", AuthorHeading = "{0}",
            Page = "الصفحة {0} من {1}", Newer = "الأحدث", Older = "الأقدم", Empty = "لم يُنشر شيء هنا بعد.",
            NotFoundTitle = "الصفحة غير موجودة",
            NotFoundBody = "لم نعثر على هذه الصفحة. ربما نُقلت، أو أن في العنوان خطأ.",
            BackHome = "اذهب إلى الصفحة الرئيسية",
            ErrorTitle = "حدث خطأ",
            ErrorBody = "تعذّر عرض هذه الصفحة الآن. يُرجى المحاولة بعد قليل.",
            NewsletterHeading = "نشرتنا البريدية المجانية",
            NewsletterBody = "أحدث تقاريرنا وأخبارنا وتصاميمنا في بريدك مرتين في الشهر: أهم المستجدات فقط.",
            Feed = "خلاصة RSS", MainNavigation = "القائمة الرئيسية", Footer = "صحافة مستقلة بالعربية والإنجليزية.",
            KindReport = "تقرير", KindNews = "خبر", KindDesign = "تصميم",
        },
    }.ToFrozenDictionary();

    public static SiteText For(string language) => ByLanguage.GetValueOrDefault(language) ?? ByLanguage[Language.English];

    public required string Home { get; init; }
    public required string Reports { get; init; }
    public required string News { get; init; }
    public required string Designs { get; init; }
    public required string Featured { get; init; }
    public required string Latest { get; init; }
    public required string More { get; init; }
    public required string SkipToContent { get; init; }
    public required string OtherLanguageName { get; init; }
    public required string OtherLanguageCode { get; init; }
    public required string ReadInOtherLanguage { get; init; }
    public required string MinutesRead { get; init; }
    public required string By { get; init; }
    public required string Published { get; init; }
    public required string Updated { get; init; }
    public required string Tags { get; init; }
    public required string TagHeading { get; init; }
    public required string AuthorHeading { get; init; }
    public required string Page { get; init; }
    public required string Newer { get; init; }
    public required string Older { get; init; }
    public required string Empty { get; init; }
    public required string NotFoundTitle { get; init; }
    public required string NotFoundBody { get; init; }
    public required string BackHome { get; init; }
    public required string ErrorTitle { get; init; }
    public required string ErrorBody { get; init; }
    public required string NewsletterHeading { get; init; }
    public required string NewsletterBody { get; init; }
    public required string Feed { get; init; }
    public required string MainNavigation { get; init; }
    public required string Footer { get; init; }
    public required string KindReport { get; init; }
    public required string KindNews { get; init; }
    public required string KindDesign { get; init; }

    public string KindName(PostKind kind) => kind switch
    {
        PostKind.Report => KindReport,
        PostKind.News => KindNews,
        _ => KindDesign,
    };

    public string KindPlural(PostKind kind) => kind switch
    {
        PostKind.Report => Reports,
        PostKind.News => News,
        _ => Designs,
    };
}
