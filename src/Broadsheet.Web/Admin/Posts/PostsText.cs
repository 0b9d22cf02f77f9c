using System.Globalization;
using System.Text.RegularExpressions;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>The words of the posts area (list, editor, preview) in each language; both stay in step here.</summary>
public sealed class PostsText
{
    public static readonly PostsText English = new()
    {
        Language = Broadsheet.Language.English,
        ListIntro = "Every post you can see, newest first. Drafts are private until someone with the right to publishes them.",
        NewPost = "New post", EditPost = "Edit: {0}", Filter = "Filter", ClearFilters = "Clear the filters", Any = "Any",
        Kind = "Kind", PostLanguage = "Language", Status = "Status", Byline = "Byline", Bylines = "Bylines", Tag = "Tag",
        Title = "Title", PublishTime = "Publish time", CreatedBy = "Created by", NotSet = "—",
        Report = "Report", News = "News", Design = "Design", Draft = "Draft", Scheduled = "Scheduled", Published = "Published",
        LanguageEnglish = "English", LanguageArabic = "Arabic",
        NoPosts = "No posts yet. Write the first one.", NoMatch = "No post matches these filters.",
        Previous = "Previous", Next = "Next", PageOf = "Page {0} of {1} · {2} posts", Paging = "Pages",
        Slug = "Slug", SlugHelp = "Leave empty to make it from the title. A published post keeps its address when the title changes.",
        Lede = "Lede", LedeHelp = "The opening summary under the title and in cards, feeds and the newsletter.",
        Body = "Body (Markdown)", BodyHelp = "## for a heading, **bold**, *italic*, [a link](https://…), - for a list.",
        Tags = "Tags", TagsHelp = "Separated by commas.",
        BylinesHelp = "Hold Ctrl (⌘ on a Mac) to choose more than one.", NoAuthors = "No bylines exist yet.",
        Featured = "Featured on the front page", Priority = "Priority", PriorityHelp = "Higher comes first on the front page and in the digest.",
        Cover = "Cover image", NoCover = "No cover", CurrentCover = "The current image", CoverAlt = "Cover alt text",
        CoverAltHelp = "What the image shows, for readers who cannot see it. Left empty, the text given at upload is used.",
        UploadImages = "Upload images", NoImages = "No images uploaded yet.",
        TranslationOf = "Translation of", NoTranslation = "None", TranslationHelp = "The same post in the other language.",
        PublishAtHelp = "In the publication's time zone ({0}). Needed to schedule; on a draft it is only a plan.",
        SaveDraft = "Save draft", SaveChanges = "Save changes", PublishNow = "Publish now", Schedule = "Schedule",
        Unpublish = "Unpublish", Delete = "Delete", Preview = "Preview", LivePreview = "Live preview", ViewOnSite = "View on the site",
        Translate = "Translate into {0}", ScheduledFor = "Scheduled for {0}", PublishedOn = "Published {0}", Details = "Details", Actions = "Actions",
        ContributorHelp = "You write drafts; an editor publishes them.",
        PublicHelp = "This post is public: your changes go live when you save them. Nothing is saved automatically.",
        AutosaveHelp = "While it is a draft, this post saves itself every few seconds when you change it.",
        AutosaveAfterFirstSave = "Autosave starts once the draft has been saved the first time.",
        SavedAt = "Saved at {0}", AutosaveFailed = "Not saved automatically. Save by hand.",
        DeleteConfirm = "Delete “{0}” for good? It cannot be brought back.",
        Created = "The post was created.", Saved = "Saved.", PublishedNotice = "The post is published.",
        ScheduledNotice = "The post is scheduled.", Unpublished = "The post was taken off the site; it is a draft again.",
        Deleted = "The post was deleted.",
        PreviewBanner = "Preview: the page as readers will see it. Status: {0}.", BackToEditor = "Back to the editor",
        ErrorKind = "Choose a kind: report, news or design.", ErrorLanguage = "Choose English or Arabic.",
        ErrorPriority = "The priority must be a whole number.", ErrorPublishAt = "The publish time is not a date and time that exists in the publication's time zone.",
        ErrorNeedsTime = "Give a publish time to schedule the post.", ErrorTimePassed = "That publish time has passed: publish now, or choose a later time.",
        ErrorCover = "Choose a cover from the uploaded images.", ErrorAction = "Choose what to do: save, publish or schedule.",
        ErrorNotDraft = "This post is no longer a draft, so it is not saved automatically: save it by hand.",
        ErrorBodyTooLong = "The body is longer than a million characters.",
        ErrorTranslation = "Choose the translation from the list of posts in the other language.",
        ErrorConflict = "Someone else changed this post at the same moment. Reload it and try again.",
    };

    public static readonly PostsText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        ListIntro = "كل المواد التي يمكنك رؤيتها، الأحدث أولاً. المسودات خاصة إلى أن ينشرها من يملك صلاحية النشر.",
        NewPost = "مادة جديدة", EditPost = "تحرير: {0}", Filter = "تصفية", ClearFilters = "إزالة التصفية", Any = "الكل",
        Kind = "النوع", PostLanguage = "اللغة", Status = "الحالة", Byline = "الكاتب", Bylines = "الكتّاب", Tag = "الوسم",
        Title = "العنوان", PublishTime = "وقت النشر", CreatedBy = "أنشأها", NotSet = "—",
        Report = "تقرير", News = "خبر", Design = "تصميم", Draft = "مسودة", Scheduled = "مجدولة", Published = "منشورة",
        LanguageEnglish = "الإنجليزية", LanguageArabic = "العربية",
        NoPosts = "لا مواد بعد. اكتب أول مادة.", NoMatch = "لا مادة تطابق هذه التصفية.",
        Previous = "السابقة", Next = "التالية", PageOf = "الصفحة {0} من {1} · {2} مادة", Paging = "الصفحات",
        Slug = "المسار (slug)", SlugHelp = "اتركه فارغاً ليُصنع من العنوان. تحتفظ المادة المنشورة بعنوانها على الموقع إذا تغيّر العنوان.",
        Lede = "المقدمة", LedeHelp = "الملخص الافتتاحي تحت العنوان وفي البطاقات والخلاصات والنشرة.",
        Body = "النص (Markdown)", BodyHelp = "## لعنوان فرعي، **عريض**، *مائل*، [رابط](https://…)، و- لقائمة.",
        Tags = "الوسوم", TagsHelp = "افصل بينها بفواصل.",
        BylinesHelp = "اضغط Ctrl (أو ⌘ على ماك) لاختيار أكثر من كاتب.", NoAuthors = "لا يوجد كتّاب بعد.",
        Featured = "مميّزة في الصفحة الأولى", Priority = "الأولوية", PriorityHelp = "الأعلى يأتي أولاً في الصفحة الأولى وفي النشرة.",
        Cover = "صورة الغلاف", NoCover = "بلا غلاف", CurrentCover = "الصورة الحالية", CoverAlt = "النص البديل لصورة الغلاف",
        CoverAltHelp = "ما تُظهره الصورة، لمن لا يستطيع رؤيتها. إن تُرك فارغاً استُخدم النص المُدخل عند الرفع.",
        UploadImages = "رفع صور", NoImages = "لم تُرفع أي صورة بعد.",
        TranslationOf = "ترجمة لـ", NoTranslation = "لا شيء", TranslationHelp = "المادة نفسها باللغة الأخرى.",
        PublishAtHelp = "بتوقيت المطبوعة ({0}). مطلوب للجدولة؛ وفي المسودة مجرد خطة.",
        SaveDraft = "حفظ المسودة", SaveChanges = "حفظ التعديلات", PublishNow = "انشر الآن", Schedule = "جدولة",
        Unpublish = "إلغاء النشر", Delete = "حذف", Preview = "معاينة", LivePreview = "معاينة مباشرة", ViewOnSite = "عرضها على الموقع",
        Translate = "ترجمتها إلى {0}", ScheduledFor = "مجدولة في {0}", PublishedOn = "نُشرت في {0}", Details = "التفاصيل", Actions = "إجراءات",
        ContributorHelp = "أنت تكتب المسودات، وينشرها محرر.",
        PublicHelp = "هذه المادة منشورة: تظهر تعديلاتك على الموقع عند حفظها. لا يُحفظ شيء تلقائياً.",
        AutosaveHelp = "ما دامت مسودة، تحفظ هذه المادة نفسها كل بضع ثوانٍ عند تعديلها.",
        AutosaveAfterFirstSave = "يبدأ الحفظ التلقائي بعد حفظ المسودة أول مرة.",
        SavedAt = "حُفظت في {0}", AutosaveFailed = "لم تُحفظ تلقائياً. احفظها يدوياً.",
        DeleteConfirm = "حذف «{0}» نهائياً؟ لا يمكن استعادتها.",
        Created = "أُنشئت المادة.", Saved = "حُفظت.", PublishedNotice = "نُشرت المادة.",
        ScheduledNotice = "جُدولت المادة.", Unpublished = "أُزيلت المادة من الموقع وعادت مسودة.",
        Deleted = "حُذفت المادة.",
        PreviewBanner = "معاينة: الصفحة كما سيراها القرّاء. الحالة: {0}.", BackToEditor = "العودة إلى المحرّر",
        ErrorKind = "اختر نوعاً: تقرير أو خبر أو تصميم.", ErrorLanguage = "اختر العربية أو الإنجليزية.",
        ErrorPriority = "يجب أن تكون الأولوية عدداً صحيحاً.", ErrorPublishAt = "وقت النشر ليس تاريخاً ووقتاً صالحين بتوقيت المطبوعة.",
        ErrorNeedsTime = "حدّد وقت نشر لجدولة المادة.", ErrorTimePassed = "وقت النشر هذا مضى: انشرها الآن أو اختر وقتاً لاحقاً.",
        ErrorCover = "اختر غلافاً من الصور المرفوعة.", ErrorAction = "اختر ما تريد: حفظ أو نشر أو جدولة.",
        ErrorNotDraft = "لم تعد هذه المادة مسودة، فلا تُحفظ تلقائياً: احفظها يدوياً.",
        ErrorBodyTooLong = "النص أطول من مليون حرف.",
        ErrorTranslation = "اختر الترجمة من قائمة المواد باللغة الأخرى.",
        ErrorConflict = "عدّل شخص آخر هذه المادة في اللحظة نفسها. أعد تحميلها وحاول مجدداً.",
    };

    public static PostsText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string ListIntro { get; init; }
    public required string NewPost { get; init; }
    public required string EditPost { get; init; }
    public required string Filter { get; init; }
    public required string ClearFilters { get; init; }
    public required string Any { get; init; }
    public required string Kind { get; init; }
    public required string PostLanguage { get; init; }
    public required string Status { get; init; }
    public required string Byline { get; init; }
    public required string Bylines { get; init; }
    public required string Tag { get; init; }
    public required string Title { get; init; }
    public required string PublishTime { get; init; }
    public required string CreatedBy { get; init; }
    public required string NotSet { get; init; }
    public required string Report { get; init; }
    public required string News { get; init; }
    public required string Design { get; init; }
    public required string Draft { get; init; }
    public required string Scheduled { get; init; }
    public required string Published { get; init; }
    public required string LanguageEnglish { get; init; }
    public required string LanguageArabic { get; init; }
    public required string NoPosts { get; init; }
    public required string NoMatch { get; init; }
    public required string Previous { get; init; }
    public required string Next { get; init; }
    public required string PageOf { get; init; }
    public required string Paging { get; init; }
    public required string Slug { get; init; }
    public required string SlugHelp { get; init; }
    public required string Lede { get; init; }
    public required string LedeHelp { get; init; }
    public required string Body { get; init; }
    public required string BodyHelp { get; init; }
    public required string Tags { get; init; }
    public required string TagsHelp { get; init; }
    public required string BylinesHelp { get; init; }
    public required string NoAuthors { get; init; }
    public required string Featured { get; init; }
    public required string Priority { get; init; }
    public required string PriorityHelp { get; init; }
    public required string Cover { get; init; }
    public required string NoCover { get; init; }
    public required string CurrentCover { get; init; }
    public required string CoverAlt { get; init; }
    public required string CoverAltHelp { get; init; }
    public required string UploadImages { get; init; }
    public required string NoImages { get; init; }
    public required string TranslationOf { get; init; }
    public required string NoTranslation { get; init; }
    public required string TranslationHelp { get; init; }
    public required string PublishAtHelp { get; init; }
    public required string SaveDraft { get; init; }
    public required string SaveChanges { get; init; }
    public required string PublishNow { get; init; }
    public required string Schedule { get; init; }
    public required string Unpublish { get; init; }
    public required string Delete { get; init; }
    public required string Preview { get; init; }
    public required string LivePreview { get; init; }
    public required string ViewOnSite { get; init; }
    public required string Translate { get; init; }
    public required string ScheduledFor { get; init; }
    public required string PublishedOn { get; init; }
    public required string Details { get; init; }
    public required string Actions { get; init; }
    public required string ContributorHelp { get; init; }
    public required string PublicHelp { get; init; }
    public required string AutosaveHelp { get; init; }
    public required string AutosaveAfterFirstSave { get; init; }
    public required string SavedAt { get; init; }
    public required string AutosaveFailed { get; init; }
    public required string DeleteConfirm { get; init; }
    public required string Created { get; init; }
    public required string Saved { get; init; }
    public required string PublishedNotice { get; init; }
    public required string ScheduledNotice { get; init; }
    public required string Unpublished { get; init; }
    public required string Deleted { get; init; }
    public required string PreviewBanner { get; init; }
    public required string BackToEditor { get; init; }
    public required string ErrorKind { get; init; }
    public required string ErrorLanguage { get; init; }
    public required string ErrorPriority { get; init; }
    public required string ErrorPublishAt { get; init; }
    public required string ErrorNeedsTime { get; init; }
    public required string ErrorTimePassed { get; init; }
    public required string ErrorCover { get; init; }
    public required string ErrorAction { get; init; }
    public required string ErrorNotDraft { get; init; }
    public required string ErrorBodyTooLong { get; init; }
    public required string ErrorTranslation { get; init; }
    public required string ErrorConflict { get; init; }

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    public string KindName(PostKind kind) => kind switch
    {
        PostKind.Report => Report,
        PostKind.News => News,
        _ => Design,
    };

    public string StatusName(PostStatus status) => status switch
    {
        PostStatus.Draft => Draft,
        PostStatus.Scheduled => Scheduled,
        _ => Published,
    };

    public string LanguageName(string language) => language == Broadsheet.Language.Arabic ? LanguageArabic : LanguageEnglish;

    /// <summary>The words for a notice key after a redirect (see <see cref="AdminPage.Done"/>), or null.</summary>
    public string? Notice(string? key) => key switch
    {
        "created" => Created,
        "saved" => Saved,
        "published" => PublishedNotice,
        "scheduled" => ScheduledNotice,
        "unpublished" => Unpublished,
        "deleted" => Deleted,
        _ => null,
    };

    /// <summary>
    /// Why <see cref="PostService"/> refused a post, in this language. The service words its refusals in English for
    /// every door (API, CLI, admin); the admin recognises each one here and falls back to the English text for any it
    /// does not know yet (a test keeps the common ones covered).
    /// </summary>
    public string PublishingError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Language != Broadsheet.Language.Arabic)
        {
            return message;
        }

        foreach (var (pattern, arabic) in ArabicErrors)
        {
            var match = pattern.Match(message);
            if (match.Success)
            {
                return string.Format(CultureInfo.InvariantCulture, arabic, match.Groups.Values.Skip(1).Select(g => (object)g.Value).ToArray());
            }
        }

        return message;
    }

    private static readonly (Regex Pattern, string Arabic)[] ArabicErrors =
    [
        (new Regex("^Unknown language", RegexOptions.None, TimeSpan.FromSeconds(1)), "اختر العربية أو الإنجليزية."),
        (new Regex("^Unknown kind", RegexOptions.None, TimeSpan.FromSeconds(1)), "اختر نوعاً: تقرير أو خبر أو تصميم."),
        (new Regex("^Unknown status", RegexOptions.None, TimeSpan.FromSeconds(1)), "حالة غير معروفة: مسودة أو مجدولة أو منشورة."),
        (new Regex("^A post needs a title", RegexOptions.None, TimeSpan.FromSeconds(1)), "تحتاج المادة إلى عنوان."),
        (new Regex(@"^The title is longer than (\d+)", RegexOptions.None, TimeSpan.FromSeconds(1)), "العنوان أطول من {0} حرف."),
        (new Regex(@"^The lede is longer than (\d+)", RegexOptions.None, TimeSpan.FromSeconds(1)), "المقدمة أطول من {0} حرف."),
        (new Regex("^The body is longer", RegexOptions.None, TimeSpan.FromSeconds(1)), "النص أطول من مليون حرف."),
        (new Regex("^The cover image must be", RegexOptions.None, TimeSpan.FromSeconds(1)), "يجب أن تكون صورة الغلاف صورة على هذا الموقع."),
        (new Regex("^A cover image needs alt text", RegexOptions.None, TimeSpan.FromSeconds(1)), "تحتاج صورة الغلاف إلى نص بديل يصفها لمن لا يستطيع رؤيتها."),
        (new Regex("^A design needs a cover image", RegexOptions.None, TimeSpan.FromSeconds(1)), "يحتاج التصميم إلى صورة غلاف مع نص بديل قبل نشره."),
        (new Regex("^A scheduled post needs a publish time", RegexOptions.None, TimeSpan.FromSeconds(1)), "تحتاج المادة المجدولة إلى وقت نشر."),
        (new Regex("^A published post cannot have a publish time in the future", RegexOptions.None, TimeSpan.FromSeconds(1)), "لا يكون وقت نشر مادة منشورة في المستقبل: جدولها بدلاً من ذلك."),
        (new Regex("^The slug is empty", RegexOptions.None, TimeSpan.FromSeconds(1)), "المسار فارغ: أعطِ المادة عنواناً فيه حرف أو رقم على الأقل."),
        (new Regex(@"^The slug is longer than (\d+)", RegexOptions.None, TimeSpan.FromSeconds(1)), "المسار أطول من {0} حرف."),
        (new Regex("^\"(.*)\" is a reserved word", RegexOptions.None, TimeSpan.FromSeconds(1)), "«{0}» كلمة محجوزة في هذا الموقع ولا تصلح مساراً."),
        (new Regex("^A slug may hold only", RegexOptions.None, TimeSpan.FromSeconds(1)), "لا يحوي المسار إلا أحرفاً صغيرة وأرقاماً وشرطات مفردة بينها."),
        (new Regex("^Another (?:en|ar) post already has the slug \"(.*)\"", RegexOptions.None, TimeSpan.FromSeconds(1)), "لمادة أخرى بهذه اللغة المسار «{0}» بالفعل."),
        (new Regex("^The title has no letter or digit", RegexOptions.None, TimeSpan.FromSeconds(1)), "لا يحوي العنوان حرفاً أو رقماً يُصنع منه مسار: أعطِ مساراً."),
        (new Regex(@"^There is no post (\d+) to link", RegexOptions.None, TimeSpan.FromSeconds(1)), "لا توجد المادة {0} لربطها ترجمةً."),
        (new Regex("^A translation must be in the other language", RegexOptions.None, TimeSpan.FromSeconds(1)), "يجب أن تكون الترجمة باللغة الأخرى."),
        (new Regex("^That post already has a translation", RegexOptions.None, TimeSpan.FromSeconds(1)), "لتلك المادة ترجمة بهذه اللغة بالفعل."),
        (new Regex(@"^A tag is longer than (\d+)", RegexOptions.None, TimeSpan.FromSeconds(1)), "أحد الوسوم أطول من {0} حرف."),
        (new Regex(@"^Unknown author: (.*)\.$", RegexOptions.None, TimeSpan.FromSeconds(1)), "كاتب غير معروف: {0}."),
        (new Regex("^There is no uploaded image", RegexOptions.None, TimeSpan.FromSeconds(1)), "الصورة المختارة لم تعد موجودة."),
        (new Regex("^The uploaded image .* has no sizes", RegexOptions.None, TimeSpan.FromSeconds(1)), "الصورة المرفوعة بلا أحجام صالحة للعرض."),
        (new Regex("^The post could not be saved because another change got there first", RegexOptions.None, TimeSpan.FromSeconds(1)),
            "تعذّر حفظ المادة لأن تعديلاً آخر سبقك (المسار نفسه أو الترجمة نفسها). حاول مجدداً."),
        (new Regex(@"^There is no post \d+\.", RegexOptions.None, TimeSpan.FromSeconds(1)), "هذه المادة لم تعد موجودة."),
    ];
}
