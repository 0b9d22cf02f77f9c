using System.Globalization;
using Broadsheet.Newsletter;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>The template editor's words in each language, and the templates' variables explained; both stay in step here.</summary>
public sealed class TemplateText
{
    public static readonly TemplateText English = new()
    {
        Language = Broadsheet.Language.English,
        Title = "Newsletter templates",
        Intro = "Every edition is laid out by two Liquid templates: the HTML part most readers see, and the plain-text part for mail programs that show no HTML. One template serves both languages; the words, the direction and the alignment come from the variables below. A template is checked against a sample edition in English and Arabic before it is saved: one with a mistake is not saved, and the one in use stays as it was.",
        HtmlTemplate = "HTML template",
        TextTemplate = "Plain-text template",
        BuiltIn = "The built-in template is in use.",
        Customised = "The editors' version is in use (saved {0} UTC).",
        SaveTemplate = "Check and save",
        BackToBuiltIn = "Back to the built-in template",
        ResetConfirmHtml = "Go back to the built-in HTML template? The editors' version is deleted; the built-in one is used from the next edition on.",
        ResetConfirmText = "Go back to the built-in plain-text template? The editors' version is deleted; the built-in one is used from the next edition on.",
        Saved = "The template was checked and saved.",
        ResetDone = "The built-in template is in use again.",
        NothingToReset = "The built-in template was already in use.",
        Preview = "Preview",
        PreviewIntro = "As readers will see the mail, with the templates in use. Links to unsubscribe and preferences are each reader's own when the mail is sent.",
        NextEdition = "The next {0} edition ({1})",
        SampleEdition = "A sample {0} edition (no edition is being prepared)",
        PreviewFrameTitle = "Preview of the HTML part",
        PlainText = "Plain-text part",
        PreviewFailed = "This template cannot show the edition: {0}",
        Variables = "Variables",
        VariablesIntro = "What a template can use. Output with {{ name }} is HTML-encoded in the HTML template and left as it is in the plain-text one. The mail must keep the unsubscribe link.",
        Variable = "Variable",
        Meaning = "Meaning",
        LanguageName = "English",
        OtherLanguageName = "Arabic",
        VariableList =
        [
            ("publication", "The publication's name in the edition's language."),
            ("language, dir, align", "en or ar; ltr or rtl; left or right: for lang, dir and text-align."),
            ("view", "email (the mail) or web (the public archive's copy, with no personal link)."),
            ("subject, heading, date", "The subject line; \"The most important updates\" or \"Special edition\"; the send date in words."),
            ("why", "One line on why the reader gets this mail (on the web: what the newsletter is)."),
            ("preheader", "A short line mail programs show beside the subject: the intro's first paragraph or the first lede."),
            ("intro", "The editor's introduction: a list of paragraphs (may be empty)."),
            ("sections", "The sections in order, each with kind (report, news, design), title and items."),
            ("item.title, item.url, item.lede", "A post's title, its address (or, with click counting on, the counting link) and its lede."),
            ("item.kind, item.date, item.reading_time, item.meta", "report, news or design; the publication date; the reading time; the one of these the layout shows."),
            ("item.image", "The cover image, or nothing: url, width, height and alt (its description). Designs always have one."),
            ("links.web, links.site, links.subscribe", "The edition on the web; the site's front page; the signup page."),
            ("links.preferences, links.unsubscribe", "The reader's own links in the mail (filled in for each reader); nothing on the web."),
            ("labels.web_version, labels.preferences, labels.unsubscribe, labels.subscribe, labels.site, labels.read_more", "The words for those links in the edition's language."),
            ("pixel", "With open counting on, the address of the 1×1 counting image in the mail; otherwise nothing."),
        ],
    };

    public static readonly TemplateText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Title = "قوالب النشرة",
        Intro = "يُنسَّق كل عدد بقالبَي Liquid: جزء HTML الذي يراه معظم القراء، وجزء النص العادي لبرامج البريد التي لا تعرض HTML. يخدم القالب الواحد اللغتين؛ فالكلمات والاتجاه والمحاذاة تأتي من المتغيرات أدناه. يُجرَّب القالب على عدد تجريبي بالعربية والإنجليزية قبل حفظه: القالب الذي فيه خطأ لا يُحفظ، ويبقى المستخدم على حاله.",
        HtmlTemplate = "قالب HTML",
        TextTemplate = "قالب النص العادي",
        BuiltIn = "القالب المدمج هو المستخدم.",
        Customised = "نسخة المحررين هي المستخدمة (حُفظت {0} بالتوقيت العالمي).",
        SaveTemplate = "تحقّق واحفظ",
        BackToBuiltIn = "العودة إلى القالب المدمج",
        ResetConfirmHtml = "العودة إلى قالب HTML المدمج؟ تُحذف نسخة المحررين، ويُستخدم القالب المدمج بدءاً من العدد التالي.",
        ResetConfirmText = "العودة إلى قالب النص العادي المدمج؟ تُحذف نسخة المحررين، ويُستخدم القالب المدمج بدءاً من العدد التالي.",
        Saved = "جُرّب القالب وحُفظ.",
        ResetDone = "عاد القالب المدمج إلى الاستخدام.",
        NothingToReset = "كان القالب المدمج هو المستخدم أصلاً.",
        Preview = "معاينة",
        PreviewIntro = "كما سيرى القراء الرسالة، بالقالبين المستخدمين. رابطا إلغاء الاشتراك والتفضيلات خاصان بكل قارئ عند الإرسال.",
        NextEdition = "العدد التالي ({0}، {1})",
        SampleEdition = "عدد تجريبي ({0})، إذ لا عدد قيد التحضير",
        PreviewFrameTitle = "معاينة جزء HTML",
        PlainText = "جزء النص العادي",
        PreviewFailed = "تعذّر على هذا القالب عرض العدد: {0}",
        Variables = "المتغيرات",
        VariablesIntro = "ما يمكن للقالب استخدامه. ما يُكتب بـ {{ name }} يُرمَّز في قالب HTML ويبقى كما هو في قالب النص العادي. يجب أن تُبقي الرسالة رابط إلغاء الاشتراك.",
        Variable = "المتغير",
        Meaning = "معناه",
        LanguageName = "العربية",
        OtherLanguageName = "الإنجليزية",
        VariableList =
        [
            ("publication", "اسم المطبوعة بلغة العدد."),
            ("language, dir, align", "en أو ar؛ ltr أو rtl؛ left أو right: للسمات lang وdir وtext-align."),
            ("view", "email (الرسالة) أو web (نسخة الأرشيف العامة، بلا روابط شخصية)."),
            ("subject, heading, date", "سطر الموضوع؛ «أهم المستجدات» أو «عدد خاص»؛ تاريخ الإرسال مكتوباً."),
            ("why", "سطر يشرح لماذا وصلت الرسالة إلى القارئ (وعلى الويب: ما النشرة)."),
            ("preheader", "سطر قصير تعرضه برامج البريد بجانب الموضوع: أول فقرة من المقدمة أو أول خلاصة."),
            ("intro", "مقدمة المحرر: قائمة فقرات (قد تكون فارغة)."),
            ("sections", "الأقسام بالترتيب، لكل منها kind ‏(report أو news أو design) وtitle وitems."),
            ("item.title, item.url, item.lede", "عنوان المادة ورابطها (أو رابط العدّ إن كان عدّ النقرات مفعّلاً) وخلاصتها."),
            ("item.kind, item.date, item.reading_time, item.meta", "report أو news أو design؛ تاريخ النشر؛ وقت القراءة؛ وما يعرضه التصميم منها."),
            ("item.image", "صورة الغلاف أو لا شيء: url وwidth وheight وalt (وصفها). للتصاميم صورة دائماً."),
            ("links.web, links.site, links.subscribe", "العدد على الويب؛ الصفحة الرئيسية للموقع؛ صفحة الاشتراك."),
            ("links.preferences, links.unsubscribe", "روابط القارئ الخاصة في الرسالة (تُملأ لكل قارئ)؛ لا شيء على الويب."),
            ("labels.web_version, labels.preferences, labels.unsubscribe, labels.subscribe, labels.site, labels.read_more", "كلمات تلك الروابط بلغة العدد."),
            ("pixel", "إن كان عدّ الفتح مفعّلاً، عنوان صورة العدّ (1×1) في الرسالة؛ وإلا لا شيء."),
        ],
    };

    public static TemplateText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string HtmlTemplate { get; init; }
    public required string TextTemplate { get; init; }
    public required string BuiltIn { get; init; }
    public required string Customised { get; init; }
    public required string SaveTemplate { get; init; }
    public required string BackToBuiltIn { get; init; }
    public required string ResetConfirmHtml { get; init; }
    public required string ResetConfirmText { get; init; }
    public required string Saved { get; init; }
    public required string ResetDone { get; init; }
    public required string NothingToReset { get; init; }
    public required string Preview { get; init; }
    public required string PreviewIntro { get; init; }
    public required string NextEdition { get; init; }
    public required string SampleEdition { get; init; }
    public required string PreviewFrameTitle { get; init; }
    public required string PlainText { get; init; }
    public required string PreviewFailed { get; init; }
    public required string Variables { get; init; }
    public required string VariablesIntro { get; init; }
    public required string Variable { get; init; }
    public required string Meaning { get; init; }

    /// <summary>"English" / "العربي": how the edition's language is named in "the next … edition".</summary>
    public required string LanguageName { get; init; }

    public required string OtherLanguageName { get; init; }

    public required IReadOnlyList<(string Name, string Meaning)> VariableList { get; init; }

    public string TemplateName(string name) => name == NewsletterTemplateSet.HtmlName ? HtmlTemplate : TextTemplate;

    public string ResetConfirm(string name) => name == NewsletterTemplateSet.HtmlName ? ResetConfirmHtml : ResetConfirmText;

    /// <summary>An edition language's name in this admin language.</summary>
    public string EditionLanguage(string language) => language == Language ? LanguageName : OtherLanguageName;

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);
}
