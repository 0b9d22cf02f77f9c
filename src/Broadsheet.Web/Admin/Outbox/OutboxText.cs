using System.Globalization;
using Broadsheet.Delivery;

namespace Broadsheet.Web.Admin.Outbox;

/// <summary>The outbox viewer's words in each language; both stay in step here.</summary>
public sealed class OutboxText
{
    public static readonly OutboxText English = new()
    {
        Language = Broadsheet.Language.English,
        FolderIntro = "In this set-up no mail server is needed: every message is written as a file to the outbox folder in the data folder, and shown here as its recipient would see it. To send mail for real, configure an SMTP relay in the settings.",
        RelayIntro = "Mail goes to the SMTP relay {0}, so there is no outbox folder to show. These are the latest sends and where their deliveries stand.",
        MessageCount = "Messages: {0}, newest first.",
        EmptyFolder = "No message yet. Sign up from the newsletter box under any article and the confirmation mail appears here.",
        Date = "Date",
        To = "To",
        From = "From",
        Subject = "Subject",
        Size = "Size",
        NoSubject = "(no subject)",
        Unreadable = "(this file cannot be read as a message)",
        Newer = "Newer",
        Older = "Older",
        PageOf = "Page {0} of {1}",
        Paging = "Pages",
        Back = "Back to the outbox",
        AsRecipientSees = "As the recipient sees it",
        HtmlFrameTitle = "The message as HTML",
        NoHtml = "This message has no HTML part.",
        PlainText = "Plain text",
        NoText = "This message has no plain-text part.",
        Headers = "Headers",
        ShowHeaders = "Show all headers",
        Created = "Created",
        Kind = "Kind",
        SendLanguage = "Language",
        Status = "Status",
        Recipients = "Recipients",
        Deliveries = "Deliveries",
        NoSends = "Nothing has been sent yet.",
        ConfirmationSubject = "(confirmation mail, written for each reader)",
        Bytes = "{0} bytes",
        Kilobytes = "{0} KB",
    };

    public static readonly OutboxText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        FolderIntro = "لا حاجة إلى خادم بريد في هذا الإعداد: تُكتب كل رسالة ملفاً في مجلد صندوق الصادر داخل مجلد البيانات، وتظهر هنا كما سيراها مستلمها. لإرسال البريد فعلاً، اضبط خادم SMTP في الإعدادات.",
        RelayIntro = "يذهب البريد إلى خادم SMTP ‏{0}، فلا مجلد صادر لعرضه. هذه آخر الإرسالات وما آلت إليه رسائلها.",
        MessageCount = "عدد الرسائل: {0}، الأحدث أولاً.",
        EmptyFolder = "لا رسائل بعد. اشترك من صندوق النشرة أسفل أي مادة وستظهر رسالة التأكيد هنا.",
        Date = "التاريخ",
        To = "إلى",
        From = "من",
        Subject = "الموضوع",
        Size = "الحجم",
        NoSubject = "(بلا موضوع)",
        Unreadable = "(تعذّرت قراءة هذا الملف رسالةً)",
        Newer = "الأحدث",
        Older = "الأقدم",
        PageOf = "الصفحة {0} من {1}",
        Paging = "الصفحات",
        Back = "العودة إلى صندوق الصادر",
        AsRecipientSees = "كما يراها المستلم",
        HtmlFrameTitle = "الرسالة بصيغة HTML",
        NoHtml = "لا جزء HTML في هذه الرسالة.",
        PlainText = "النص العادي",
        NoText = "لا جزء نصياً عادياً في هذه الرسالة.",
        Headers = "الترويسات",
        ShowHeaders = "عرض كل الترويسات",
        Created = "أُنشئ",
        Kind = "النوع",
        SendLanguage = "اللغة",
        Status = "الحالة",
        Recipients = "المستلمون",
        Deliveries = "الرسائل",
        NoSends = "لم يُرسل شيء بعد.",
        ConfirmationSubject = "(رسالة تأكيد تُكتب لكل قارئ)",
        Bytes = "{0} بايت",
        Kilobytes = "{0} كيلوبايت",
    };

    public static OutboxText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string FolderIntro { get; init; }
    public required string RelayIntro { get; init; }
    public required string MessageCount { get; init; }
    public required string EmptyFolder { get; init; }
    public required string Date { get; init; }
    public required string To { get; init; }
    public required string From { get; init; }
    public required string Subject { get; init; }
    public required string Size { get; init; }
    public required string NoSubject { get; init; }
    public required string Unreadable { get; init; }
    public required string Newer { get; init; }
    public required string Older { get; init; }
    public required string PageOf { get; init; }
    public required string Paging { get; init; }
    public required string Back { get; init; }
    public required string AsRecipientSees { get; init; }
    public required string HtmlFrameTitle { get; init; }
    public required string NoHtml { get; init; }
    public required string PlainText { get; init; }
    public required string NoText { get; init; }
    public required string Headers { get; init; }
    public required string ShowHeaders { get; init; }
    public required string Created { get; init; }
    public required string Kind { get; init; }
    public required string SendLanguage { get; init; }
    public required string Status { get; init; }
    public required string Recipients { get; init; }
    public required string Deliveries { get; init; }
    public required string NoSends { get; init; }
    public required string ConfirmationSubject { get; init; }
    public required string Bytes { get; init; }
    public required string Kilobytes { get; init; }

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    public string FileSize(long bytes) => bytes < 1024
        ? Format(Bytes, bytes)
        : Format(Kilobytes, Math.Round(bytes / 1024.0, 1).ToString("0.#", CultureInfo.InvariantCulture));

    public string KindName(SendKind kind) => (kind, Language == Broadsheet.Language.Arabic) switch
    {
        (SendKind.Confirmation, false) => "Confirmation",
        (SendKind.Edition, false) => "Digest edition",
        (SendKind.Campaign, false) => "Campaign",
        (SendKind.Confirmation, true) => "تأكيد اشتراك",
        (SendKind.Edition, true) => "عدد من النشرة",
        (SendKind.Campaign, true) => "إرسال خاص",
        _ => kind.ToString(),
    };

    public string StatusName(SendStatus status) => (status, Language == Broadsheet.Language.Arabic) switch
    {
        (SendStatus.Materialising, false) => "Preparing",
        (SendStatus.Sending, false) => "Sending",
        (SendStatus.Failed, false) => "Stopped",
        (SendStatus.Finished, false) => "Finished",
        (SendStatus.Materialising, true) => "قيد التحضير",
        (SendStatus.Sending, true) => "قيد الإرسال",
        (SendStatus.Failed, true) => "متوقف",
        (SendStatus.Finished, true) => "انتهى",
        _ => status.ToString(),
    };

    public string StateName(DeliveryState state) => (state, Language == Broadsheet.Language.Arabic) switch
    {
        (DeliveryState.Pending, false) => "waiting",
        (DeliveryState.Claimed, false) => "being sent",
        (DeliveryState.Sent, false) => "sent",
        (DeliveryState.Deferred, false) => "deferred",
        (DeliveryState.Failed, false) => "failed",
        (DeliveryState.Unknown, false) => "unknown",
        (DeliveryState.Skipped, false) => "skipped",
        (DeliveryState.Pending, true) => "بالانتظار",
        (DeliveryState.Claimed, true) => "قيد الإرسال",
        (DeliveryState.Sent, true) => "أُرسلت",
        (DeliveryState.Deferred, true) => "مؤجلة",
        (DeliveryState.Failed, true) => "فشلت",
        (DeliveryState.Unknown, true) => "غير معروفة",
        (DeliveryState.Skipped, true) => "تُخطّيت",
        _ => state.ToString(),
    };
}
