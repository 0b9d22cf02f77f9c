using System.Globalization;
using Broadsheet.Subscribers;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>The subscriber pages' words in each language; both stay in step here.</summary>
public sealed class SubscribersText
{
    /// <summary>The import command as the README gives it; the page shows it to copy.</summary>
    public const string ImportCommand = "dotnet run --project src/Broadsheet.Web -- subscribers import FILE.csv --lang en";

    public static readonly SubscribersText English = new()
    {
        Language = Broadsheet.Language.English,
        Intro = "Everyone who asked for the newsletter. Addresses are stored encrypted, so a subscriber is found by typing the whole address.",
        Total = "{0} subscribers in all.",
        ByStatus = "By status",
        ByLanguage = "By newsletter language",
        FindTitle = "Find a subscriber",
        FindLabel = "Email address",
        Find = "Find",
        FindHelp = "The whole address: a part of one finds nothing, because addresses are only stored encrypted.",
        FindInvalid = "Enter a whole address, such as name@example.org: only an exact address can be found.",
        FoundNone = "No subscriber has that address.",
        FoundSuppressed = "No subscriber has that address, and it is on the suppression list ({0}, since {1}): it is never mailed or imported again.",
        Found = "One subscriber has that address.",
        Latest = "Latest subscribers",
        Address = "Address",
        Name = "Name",
        Status = "Status",
        Languages = "Languages",
        SignedUp = "Signed up",
        Confirmed = "Confirmed",
        Open = "Open",
        Undecryptable = "(cannot be decrypted with this key)",
        Newer = "Newer",
        Older = "Older",
        PageOf = "Page {0} of {1}",
        Paging = "Pages",
        TimesInUtc = "Times are in UTC.",
        ExportTitle = "Export",
        ExportHelp = "Download every subscriber, decrypted, as a CSV file (email, name, language, status, created, confirmed). It holds every address in clear: keep it safe and delete it when done.",
        ExportButton = "Download the CSV",
        ImportTitle = "Import",
        ImportHelp = "A list is imported on the server's command line, where a big file streams with a progress bar and rejected rows are written to a report beside it. From the folder Broadsheet runs in:",
        ImportColumns = "The file's first line names its columns: email (required), name, language (en, ar or both). Imported readers are active (you hold their consent); suppressed addresses and duplicates are skipped; running it twice changes nothing.",
        Erased = "The subscriber was erased. The address stays on the suppression list, so it is never mailed or imported again.",
        Back = "Back to the subscribers",
        Details = "Details",
        LastChange = "Last change",
        Unsubscribed = "Unsubscribed",
        LastConfirmationMail = "Last confirmation mail",
        LinkOutstanding = "Confirmation link waiting to be used",
        Suppression = "Suppression",
        NotSuppressed = "none",
        SuppressedSince = "{0}, since {1}",
        Yes = "yes",
        No = "no",
        Never = "—",
        History = "Consent history",
        When = "When",
        Action = "Action",
        Source = "Where",
        LanguageColumn = "Language",
        IpHash = "Network address",
        IpHashKept = "kept as a keyed hash",
        IpHashNone = "not kept",
        NoHistory = "No record.",
        Received = "Mail sent to this subscriber",
        Send = "Send",
        Kind = "Kind",
        Subject = "Subject",
        State = "State",
        Attempts = "Attempts",
        SentAt = "Sent",
        LastResult = "Server's answer",
        NothingReceived = "Nothing has been sent to this subscriber.",
        ConfirmationSubject = "(confirmation mail)",
        EraseTitle = "Erase",
        EraseHelp = "On the reader's request: deletes the subscriber, their consent history and their mail record. A keyed hash of the address stays on the suppression list, so the address is never mailed, imported or added again (unless the person signs up and confirms again themselves).",
        EraseButton = "Erase this subscriber…",
        EraseConfirm = "Erase {0} and their consent history? This cannot be undone; the address stays suppressed.",
        Erase = "Erase",
    };

    public static readonly SubscribersText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Intro = "كل من طلب النشرة. العناوين محفوظة مشفّرة، لذا يُعثر على المشترك بكتابة عنوانه كاملاً.",
        Total = "إجمالي المشتركين: {0}.",
        ByStatus = "بحسب الحالة",
        ByLanguage = "بحسب لغة النشرة",
        FindTitle = "البحث عن مشترك",
        FindLabel = "البريد الإلكتروني",
        Find = "ابحث",
        FindHelp = "العنوان كاملاً: جزء منه لا يجد شيئاً، لأن العناوين لا تُحفظ إلا مشفّرة.",
        FindInvalid = "أدخل عنواناً كاملاً مثل name@example.org: لا يُعثر إلا على العنوان بعينه.",
        FoundNone = "لا مشترك بهذا العنوان.",
        FoundSuppressed = "لا مشترك بهذا العنوان، وهو في قائمة الحظر ({0}، منذ {1}): لن يُراسَل ولن يُستورد مجدداً.",
        Found = "مشترك واحد بهذا العنوان.",
        Latest = "أحدث المشتركين",
        Address = "العنوان",
        Name = "الاسم",
        Status = "الحالة",
        Languages = "اللغات",
        SignedUp = "اشترك في",
        Confirmed = "أكّد في",
        Open = "فتح",
        Undecryptable = "(تعذّر فك التشفير بهذا المفتاح)",
        Newer = "الأحدث",
        Older = "الأقدم",
        PageOf = "الصفحة {0} من {1}",
        Paging = "الصفحات",
        TimesInUtc = "الأوقات بالتوقيت العالمي (UTC).",
        ExportTitle = "التصدير",
        ExportHelp = "نزّل كل المشتركين، بعد فك التشفير، في ملف CSV (البريد، الاسم، اللغة، الحالة، تاريخ الاشتراك، تاريخ التأكيد). الملف يحوي كل العناوين صريحة: احفظه بأمان واحذفه حين تنتهي.",
        ExportButton = "تنزيل ملف CSV",
        ImportTitle = "الاستيراد",
        ImportHelp = "تُستورد القوائم من سطر أوامر الخادم، حيث يُقرأ الملف الكبير تدريجياً مع شريط تقدّم، وتُكتب الصفوف المرفوضة في تقرير بجانبه. من المجلد الذي يعمل فيه برودشيت:",
        ImportColumns = "يسمّي السطر الأول من الملف أعمدته: email (إلزامي) وname وlanguage (‏en أو ar أو both). المستوردون مشتركون فاعلون (موافقتهم لديك)؛ وتُتخطّى العناوين المحظورة والمكررة؛ وتشغيله مرتين لا يغيّر شيئاً.",
        Erased = "مُحي المشترك. يبقى العنوان في قائمة الحظر، فلن يُراسَل ولن يُستورد مجدداً.",
        Back = "العودة إلى المشتركين",
        Details = "التفاصيل",
        LastChange = "آخر تغيير",
        Unsubscribed = "ألغى الاشتراك في",
        LastConfirmationMail = "آخر رسالة تأكيد",
        LinkOutstanding = "رابط تأكيد بانتظار الاستخدام",
        Suppression = "الحظر",
        NotSuppressed = "لا يوجد",
        SuppressedSince = "{0}، منذ {1}",
        Yes = "نعم",
        No = "لا",
        Never = "—",
        History = "سجل الموافقة",
        When = "متى",
        Action = "الإجراء",
        Source = "أين",
        LanguageColumn = "اللغة",
        IpHash = "عنوان الشبكة",
        IpHashKept = "محفوظ بصيغة تجزئة بمفتاح",
        IpHashNone = "غير محفوظ",
        NoHistory = "لا سجل.",
        Received = "البريد المرسل إلى هذا المشترك",
        Send = "الإرسال",
        Kind = "النوع",
        Subject = "الموضوع",
        State = "الحالة",
        Attempts = "المحاولات",
        SentAt = "أُرسل في",
        LastResult = "رد الخادم",
        NothingReceived = "لم يُرسل شيء إلى هذا المشترك.",
        ConfirmationSubject = "(رسالة تأكيد)",
        EraseTitle = "المحو",
        EraseHelp = "بطلب من القارئ: يحذف المشترك وسجل موافقته وسجل بريده. تبقى تجزئة العنوان بمفتاح في قائمة الحظر، فلن يُراسَل العنوان ولن يُستورد أو يُضاف مجدداً (إلا إن اشترك صاحبه وأكّد بنفسه من جديد).",
        EraseButton = "محو هذا المشترك…",
        EraseConfirm = "محو {0} وسجل موافقته؟ لا يمكن التراجع عن هذا، ويبقى العنوان محظوراً.",
        Erase = "محو",
    };

    public static SubscribersText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Intro { get; init; }
    public required string Total { get; init; }
    public required string ByStatus { get; init; }
    public required string ByLanguage { get; init; }
    public required string FindTitle { get; init; }
    public required string FindLabel { get; init; }
    public required string Find { get; init; }
    public required string FindHelp { get; init; }
    public required string FindInvalid { get; init; }
    public required string FoundNone { get; init; }
    public required string FoundSuppressed { get; init; }
    public required string Found { get; init; }
    public required string Latest { get; init; }
    public required string Address { get; init; }
    public required string Name { get; init; }
    public required string Status { get; init; }
    public required string Languages { get; init; }
    public required string SignedUp { get; init; }
    public required string Confirmed { get; init; }
    public required string Open { get; init; }
    public required string Undecryptable { get; init; }
    public required string Newer { get; init; }
    public required string Older { get; init; }
    public required string PageOf { get; init; }
    public required string Paging { get; init; }
    public required string TimesInUtc { get; init; }
    public required string ExportTitle { get; init; }
    public required string ExportHelp { get; init; }
    public required string ExportButton { get; init; }
    public required string ImportTitle { get; init; }
    public required string ImportHelp { get; init; }
    public required string ImportColumns { get; init; }
    public required string Erased { get; init; }
    public required string Back { get; init; }
    public required string Details { get; init; }
    public required string LastChange { get; init; }
    public required string Unsubscribed { get; init; }
    public required string LastConfirmationMail { get; init; }
    public required string LinkOutstanding { get; init; }
    public required string Suppression { get; init; }
    public required string NotSuppressed { get; init; }
    public required string SuppressedSince { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string Never { get; init; }
    public required string History { get; init; }
    public required string When { get; init; }
    public required string Action { get; init; }
    public required string Source { get; init; }
    public required string LanguageColumn { get; init; }
    public required string IpHash { get; init; }
    public required string IpHashKept { get; init; }
    public required string IpHashNone { get; init; }
    public required string NoHistory { get; init; }
    public required string Received { get; init; }
    public required string Send { get; init; }
    public required string Kind { get; init; }
    public required string Subject { get; init; }
    public required string State { get; init; }
    public required string Attempts { get; init; }
    public required string SentAt { get; init; }
    public required string LastResult { get; init; }
    public required string NothingReceived { get; init; }
    public required string ConfirmationSubject { get; init; }
    public required string EraseTitle { get; init; }
    public required string EraseHelp { get; init; }
    public required string EraseButton { get; init; }
    public required string EraseConfirm { get; init; }
    public required string Erase { get; init; }

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    public static string Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";

    public string StatusName(SubscriberStatus status) => (status, Language == Broadsheet.Language.Arabic) switch
    {
        (SubscriberStatus.Pending, false) => "Waiting for confirmation",
        (SubscriberStatus.Active, false) => "Active",
        (SubscriberStatus.Unsubscribed, false) => "Unsubscribed",
        (SubscriberStatus.Bounced, false) => "Bounced",
        (SubscriberStatus.Complained, false) => "Marked as spam",
        (SubscriberStatus.Pending, true) => "بانتظار التأكيد",
        (SubscriberStatus.Active, true) => "فاعل",
        (SubscriberStatus.Unsubscribed, true) => "ألغى الاشتراك",
        (SubscriberStatus.Bounced, true) => "ارتدّ بريده",
        (SubscriberStatus.Complained, true) => "أبلغ عن النشرة كرسائل مزعجة",
        _ => status.ToString(),
    };

    public string LanguagesName(NewsletterLanguages languages) => (languages & NewsletterLanguages.Both, Language == Broadsheet.Language.Arabic) switch
    {
        (NewsletterLanguages.English, false) => "English",
        (NewsletterLanguages.Arabic, false) => "Arabic",
        (NewsletterLanguages.Both, false) => "Arabic and English",
        (NewsletterLanguages.English, true) => "الإنجليزية",
        (NewsletterLanguages.Arabic, true) => "العربية",
        (NewsletterLanguages.Both, true) => "العربية والإنجليزية",
        (_, false) => "none",
        (_, true) => "لا شيء",
    };

    public string ActionName(ConsentAction action) => (action, Language == Broadsheet.Language.Arabic) switch
    {
        (ConsentAction.Signup, false) => "Signed up",
        (ConsentAction.Confirm, false) => "Confirmed",
        (ConsentAction.Unsubscribe, false) => "Unsubscribed",
        (ConsentAction.Resubscribe, false) => "Subscribed again",
        (ConsentAction.PreferencesChanged, false) => "Changed preferences",
        (ConsentAction.Bounced, false) => "Mail stopped: bounced",
        (ConsentAction.Complained, false) => "Marked a newsletter as spam",
        (ConsentAction.Signup, true) => "اشترك",
        (ConsentAction.Confirm, true) => "أكّد",
        (ConsentAction.Unsubscribe, true) => "ألغى الاشتراك",
        (ConsentAction.Resubscribe, true) => "اشترك مجدداً",
        (ConsentAction.PreferencesChanged, true) => "غيّر تفضيلاته",
        (ConsentAction.Bounced, true) => "أوقف البريد: ارتداد",
        (ConsentAction.Complained, true) => "أبلغ عن نشرة كرسائل مزعجة",
        _ => action.ToString(),
    };

    public string ReasonName(SuppressionReason reason) => (reason, Language == Broadsheet.Language.Arabic) switch
    {
        (SuppressionReason.Unsubscribed, false) => "unsubscribed",
        (SuppressionReason.Bounced, false) => "bounced",
        (SuppressionReason.Complained, false) => "marked as spam",
        (SuppressionReason.Erased, false) => "erased on request",
        (SuppressionReason.Unsubscribed, true) => "ألغى الاشتراك",
        (SuppressionReason.Bounced, true) => "ارتداد",
        (SuppressionReason.Complained, true) => "إبلاغ عن رسائل مزعجة",
        (SuppressionReason.Erased, true) => "مُحي بطلب صاحبه",
        _ => reason.ToString(),
    };
}
