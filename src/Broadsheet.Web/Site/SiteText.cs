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
            By = "By", Published = "Published", Updated = "Updated",
            Tags = "Topics", TagHeading = "Topic: {0}", AuthorHeading = "{0}",
            Page = "Page {0} of {1}", Newer = "Newer", Older = "Older", Empty = "Nothing has been published here yet.",
            NotFoundTitle = "Page not found",
            NotFoundBody = "We could not find that page. It may have moved, or the address may be mistyped.",
            BackHome = "Go to the front page",
            ErrorTitle = "Something went wrong",
            ErrorBody = "We could not show this page just now. Please try again in a moment.",
            NewsletterHeading = "Our free newsletter",
            ArchiveHeading = "Past editions of the newsletter", ArchiveEmpty = "No edition has gone out yet. Subscribe below to get the first one.",
            ArchiveSpecial = "special edition", ArchiveLink = "Past editions",
            NewsletterBody = "Our latest reports, news and designs, in your inbox twice a month: only the updates that matter most.",
            Feed = "RSS feed", MainNavigation = "Main", Footer = "Independent journalism in Arabic and English.",
            KindReport = "Report", KindNews = "News", KindDesign = "Design",
            SignupEmail = "Email address", SignupName = "Name (optional)", SignupLanguage = "Newsletter language",
            LanguageEnglishOnly = "English", LanguageArabicOnly = "Arabic", LanguageBothEditions = "Both",
            SignupButton = "Subscribe", SignupHoneypot = "Leave this field empty",
            SubscribePageTitle = "Subscribe to our newsletter",
            CheckInboxTitle = "Check your inbox",
            CheckInboxBody = "If the address can receive our newsletter, a mail is on its way with a link to confirm. Nothing is sent until you confirm. If it does not arrive, check your spam folder, or sign up again tomorrow.",
            ConfirmTitle = "Confirm your subscription", ConfirmBody = "Press the button to start receiving our newsletter.",
            ConfirmButton = "Confirm my subscription",
            ConfirmedTitle = "You are subscribed", ConfirmedBody = "Thank you. Our next newsletter will reach your inbox.",
            LinkInvalidTitle = "This link does not work", LinkInvalidBody = "It may have expired, been used already, or been copied incompletely. You can sign up again below.",
            UnsubscribeTitle = "Unsubscribe", UnsubscribeBody = "Press the button to stop receiving our newsletter.",
            UnsubscribeButton = "Unsubscribe", UnsubscribedTitle = "You are unsubscribed",
            UnsubscribedBody = "You will not receive our newsletter any more. Changed your mind? Your preferences page lets you subscribe again.",
            PreferencesLink = "Manage your preferences", PreferencesTitle = "Your newsletter preferences",
            PreferencesSave = "Save", PreferencesSaved = "Your preferences are saved.", SubscribeAgain = "Subscribe again",
            StatusActive = "You are subscribed.", StatusInactive = "You are not subscribed at the moment.",
            TooManyRequests = "Too many requests from here just now. Please wait a minute and try again.",
        },
        [Language.Arabic] = new()
        {
            Home = "الرئيسية", Reports = "تقارير", News = "أخبار", Designs = "تصاميم",
            Featured = "مختارات", Latest = "الأحدث", More = "المزيد", SkipToContent = "انتقل إلى المحتوى",
            OtherLanguageName = "English", OtherLanguageCode = Language.English,
            ReadInOtherLanguage = "Read in English",
            By = "بقلم", Published = "نُشر في", Updated = "حُدّث في",
            Tags = "مواضيع", TagHeading = "موضوع: {0}", AuthorHeading = "{0}",
            Page = "الصفحة {0} من {1}", Newer = "الأحدث", Older = "الأقدم", Empty = "لم يُنشر شيء هنا بعد.",
            NotFoundTitle = "الصفحة غير موجودة",
            NotFoundBody = "لم نعثر على هذه الصفحة. ربما نُقلت، أو أن في العنوان خطأ.",
            BackHome = "اذهب إلى الصفحة الرئيسية",
            ErrorTitle = "حدث خطأ",
            ErrorBody = "تعذّر عرض هذه الصفحة الآن. يُرجى المحاولة بعد قليل.",
            NewsletterHeading = "نشرتنا البريدية المجانية",
            ArchiveHeading = "الأعداد السابقة من النشرة", ArchiveEmpty = "لم يصدر أي عدد بعد. اشترك أدناه ليصلك العدد الأول.",
            ArchiveSpecial = "عدد خاص", ArchiveLink = "الأعداد السابقة",
            NewsletterBody = "أحدث تقاريرنا وأخبارنا وتصاميمنا في بريدك مرتين في الشهر: أهم المستجدات فقط.",
            Feed = "خلاصة RSS", MainNavigation = "القائمة الرئيسية", Footer = "صحافة مستقلة بالعربية والإنجليزية.",
            KindReport = "تقرير", KindNews = "خبر", KindDesign = "تصميم",
            SignupEmail = "البريد الإلكتروني", SignupName = "الاسم (اختياري)", SignupLanguage = "لغة النشرة",
            LanguageEnglishOnly = "الإنجليزية", LanguageArabicOnly = "العربية", LanguageBothEditions = "كلتاهما",
            SignupButton = "اشترك", SignupHoneypot = "اترك هذا الحقل فارغاً",
            SubscribePageTitle = "اشترك في نشرتنا البريدية",
            CheckInboxTitle = "تفقّد بريدك",
            CheckInboxBody = "إن كان العنوان قادراً على استقبال نشرتنا، فرسالة في طريقها إليك فيها رابط للتأكيد. لن نرسل شيئاً قبل أن تؤكّد. إن لم تصلك، فتفقّد مجلد الرسائل غير المرغوب فيها، أو اشترك مجدداً غداً.",
            ConfirmTitle = "أكّد اشتراكك", ConfirmBody = "اضغط الزر لتبدأ باستقبال نشرتنا.",
            ConfirmButton = "تأكيد الاشتراك",
            ConfirmedTitle = "تمّ اشتراكك", ConfirmedBody = "شكراً لك. ستصل نشرتنا القادمة إلى بريدك.",
            LinkInvalidTitle = "هذا الرابط لا يعمل", LinkInvalidBody = "ربما انتهت صلاحيته، أو استُخدم من قبل، أو نُسخ ناقصاً. يمكنك الاشتراك مجدداً أدناه.",
            UnsubscribeTitle = "إلغاء الاشتراك", UnsubscribeBody = "اضغط الزر لتتوقف عن استقبال نشرتنا.",
            UnsubscribeButton = "إلغاء الاشتراك", UnsubscribedTitle = "أُلغي اشتراكك",
            UnsubscribedBody = "لن تصلك نشرتنا بعد الآن. غيّرت رأيك؟ تتيح لك صفحة التفضيلات الاشتراك مجدداً.",
            PreferencesLink = "إدارة تفضيلاتك", PreferencesTitle = "تفضيلات النشرة",
            PreferencesSave = "حفظ", PreferencesSaved = "حُفظت تفضيلاتك.", SubscribeAgain = "اشترك مجدداً",
            StatusActive = "أنت مشترك.", StatusInactive = "لست مشتركاً حالياً.",
            TooManyRequests = "طلبات كثيرة من هنا في وقت قصير. يُرجى الانتظار دقيقة ثم المحاولة مجدداً.",
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
    public required string ArchiveHeading { get; init; }
    public required string ArchiveEmpty { get; init; }
    public required string ArchiveSpecial { get; init; }
    public required string ArchiveLink { get; init; }
    public required string NewsletterBody { get; init; }
    public required string Feed { get; init; }
    public required string MainNavigation { get; init; }
    public required string Footer { get; init; }
    public required string KindReport { get; init; }
    public required string KindNews { get; init; }
    public required string KindDesign { get; init; }
    public required string SignupEmail { get; init; }
    public required string SignupName { get; init; }
    public required string SignupLanguage { get; init; }
    public required string LanguageEnglishOnly { get; init; }
    public required string LanguageArabicOnly { get; init; }
    public required string LanguageBothEditions { get; init; }
    public required string SignupButton { get; init; }
    public required string SignupHoneypot { get; init; }
    public required string SubscribePageTitle { get; init; }
    public required string CheckInboxTitle { get; init; }
    public required string CheckInboxBody { get; init; }
    public required string ConfirmTitle { get; init; }
    public required string ConfirmBody { get; init; }
    public required string ConfirmButton { get; init; }
    public required string ConfirmedTitle { get; init; }
    public required string ConfirmedBody { get; init; }
    public required string LinkInvalidTitle { get; init; }
    public required string LinkInvalidBody { get; init; }
    public required string UnsubscribeTitle { get; init; }
    public required string UnsubscribeBody { get; init; }
    public required string UnsubscribeButton { get; init; }
    public required string UnsubscribedTitle { get; init; }
    public required string UnsubscribedBody { get; init; }
    public required string PreferencesLink { get; init; }
    public required string PreferencesTitle { get; init; }
    public required string PreferencesSave { get; init; }
    public required string PreferencesSaved { get; init; }
    public required string SubscribeAgain { get; init; }
    public required string StatusActive { get; init; }
    public required string StatusInactive { get; init; }
    public required string TooManyRequests { get; init; }

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
