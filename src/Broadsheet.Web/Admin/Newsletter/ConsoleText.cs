using System.Globalization;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// The newsletter console's words in each language (the console, an edition's page, the special edition's form), and
/// the library's refusals (<see cref="EditionProblem"/>) said in the admin's language; both stay in step here.
/// </summary>
public sealed class ConsoleText
{
    public static readonly ConsoleText English = new()
    {
        Language = Broadsheet.Language.English,
        Title = "Newsletter",
        Intro = "The twice-monthly digest and the special editions: what goes out next in each language, what is sending now, and what went out.",
        NextIn = "Next edition in {0}",
        Period = "Period",
        SendTime = "Send time",
        Status = "Status",
        Approval = "Approval",
        Posts = "Posts",
        OpenEdition = "Open the edition",
        NoneYet = "No edition is being prepared yet. The next send time is {0} (period {1}); its edition is prepared from {2}, for review before it goes out.",
        NoneYetSoon = "No edition is being prepared yet. The next send time is {0} (period {1}); its edition is prepared at the scheduler's next pass.",
        NoSchedule = "The schedule has no next send time.",
        Missed = "This edition missed its send time ({0}) by more than {1}: it waits for an editor. Send it now or hold it.",
        DueForApproval = "Its send time ({0}) has passed: it goes out as soon as an editor approves it.",
        ApprovalOn = "Editions wait for an editor's approval before they go out.",
        ApprovalOff = "Editions go out by themselves at their send time, unless an editor holds them.",
        ChangeInSettings = "Change this in the settings",
        ChangedByAdministrators = "Administrators can change this in the settings.",
        TimesIn = "Times are in the publication's time zone, {0}.",
        SendingNow = "Sending now",
        NothingSending = "Nothing is sending now.",
        WaitingTitle = "Also waiting for review",
        PastTitle = "Past editions",
        NoPast = "No edition has gone out or been skipped yet.",
        Edition = "Edition",
        SentAt = "Sent on",
        Templates = "Edit the newsletter templates",
        NewSpecial = "Make a special edition",
        Newer = "Newer",
        Older = "Older",
        PageOf = "Page {0} of {1}",
        Paging = "Pages",
        ApprovedBy = "Approved by {0} on {1}",
        ApprovedOn = "Approved on {0}",
        HeldBy = "Held by {0}",
        Held = "Held",
        AwaitingApproval = "Waiting for an editor's approval",
        GoesByItself = "Goes out by itself at its time",
        Back = "Back to the newsletter",
        Newsletter = "Newsletter",
        EditionLanguage = "Language",
        Prepared = "Prepared",
        NotPrepared = "not yet",
        SubscribersNow = "Subscribers now",
        ReadersSee = "Subject readers see",
        OtherLanguage = "The same period in {0}:",
        OtherMissing = "There is no {0} edition for this period.",
        OpenOther = "open the {0} edition",
        Preview = "Preview",
        PreviewHelp = "As readers will get it. Here the unsubscribe and preferences links lead to the signup page; in the mail each reader gets their own.",
        PreviewFrameTitle = "Preview of the edition's mail",
        PlainText = "Plain-text part",
        PreviewOther = "Preview the {0} edition",
        PostTitle = "Title",
        Published = "Published",
        Order = "Order",
        Up = "Up",
        Down = "Down",
        MoveUp = "Move “{0}” up",
        MoveDown = "Move “{0}” down",
        Remove = "Remove",
        RemoveTitle = "Take a post out",
        RemoveConfirm = "Take “{0}” out of this edition? It may go in a later one.",
        EditPost = "edit",
        NoItems = "This edition has no posts.",
        TextTitle = "Subject and intro",
        Subject = "Subject",
        SubjectHelp = "One line, at most {0} characters. Empty: the default subject.",
        IntroLabel = "Intro",
        IntroHelp = "Plain text; a blank line starts a new paragraph. At most {0} characters. Empty: no intro.",
        SaveText = "Save the subject and intro",
        Refresh = "Refresh the selection",
        RefreshHelp = "Choose the posts again from what is new, as the scheduler first did.",
        RefreshConfirm = "Choose this edition's posts again from what is new? Your reordering and removals are lost and any approval is withdrawn; the subject and intro stay.",
        TestTitle = "Send a test",
        TestAddress = "Address",
        TestHelp = "The edition as a reader gets it, marked as a test, with links to the signup page in place of a reader's own. No subscriber is made.",
        TestButton = "Send the test",
        TestSent = "The test was handed over. The mail server answered: {0}",
        TestNotSent = "The test was not delivered. The mail server answered: {0}",
        ActionsTitle = "Approve, hold or send",
        Approve = "Approve",
        Hold = "Hold",
        SendNow = "Send now",
        ApproveHelp = "Approved, it goes out at its send time ({0}). Any change afterwards needs a new approval.",
        ApproveSpecialHelp = "A special edition has no send time: approving it sends it at once.",
        HoldHelp = "Held, it does not go out until an editor approves it.",
        ApproveTitle = "Approve the edition",
        ApproveConfirm = "Approve this edition? It goes out at its send time ({0}) to the {1} subscribers of its language at that time.",
        ApproveNowConfirm = "Its send time has passed, so approving sends it at once, to {0} subscribers. Approve and send it now? This cannot be taken back.",
        ApproveSpecialConfirm = "Approving a special edition sends it at once, to {0} subscribers. Approve and send it now? This cannot be taken back.",
        SendNowTitle = "Send the edition now",
        SendNowConfirm = "Send this edition now, to {0} subscribers? This cannot be taken back.",
        Gone = "This edition has gone to the delivery engine: it can no longer be changed.",
        SkippedHelp = "Skipped: nothing was new for this period. Refresh the selection to fill it again.",
        Delivery = "Delivery",
        Recipients = "Recipients",
        Sent = "Sent",
        Deferred = "Deferred",
        Failed = "Failed",
        Waiting = "Waiting",
        Skipped = "Skipped",
        Bounced = "Bounced",
        Complaints = "Complaints",
        Opens = "Opens",
        Stopped = "Stopped: {0}",
        LiveHelp = "The numbers update by themselves while it sends.",
        Saved = "The subject and intro were saved.",
        SavedUnapproved = "Changed. The edition had been approved before this change: it needs approving again.",
        Moved = "The post was moved.",
        Removed = "The post was taken out of the edition.",
        Refreshed = "The posts were chosen again.",
        ApprovedNotice = "Approved: it goes out at its send time.",
        ApprovedSending = "Approved and handed to the delivery engine: it is sending now.",
        HeldNotice = "Held: it does not go out until an editor approves it.",
        SendingNotice = "Handed to the delivery engine: it is sending now.",
        SpecialMade = "The special edition was made. Review it, send a test, and approve it to send it.",
        BadRequest = "That request was not understood. Go back, reload the page and try again.",
        ProblemNotFound = "There is no such edition.",
        ProblemAlreadySent = "This edition has already gone to the delivery engine; it can no longer be changed.",
        ProblemEmpty = "This edition has no posts: refresh the selection to fill it before it can go out.",
        ProblemSkipped = "This edition was skipped because nothing was new. Refresh its selection to fill it again.",
        ProblemUnknownPost = "That post is not in this edition.",
        ProblemSubject = "The subject is one line of at most {0} characters.",
        ProblemIntro = "The intro is plain text of at most {0} characters.",
        ProblemAddress = "Enter one valid email address for the test.",
        ProblemNotDue = "This edition cannot do that in its present state.",
        ProblemMail = "The test could not be sent: the mail server could not be reached.",
        ProblemNotDigest = "Only a digest edition's posts can be chosen again; a special edition keeps the posts it was made from.",
        SpecialTitle = "Special edition",
        SpecialIntro = "A one-off edition of posts you choose (breaking news), to the digest's subscribers in one language or both. It is made as a draft to review, test and approve; approving it sends it at once.",
        Segment = "Send to",
        SegmentArabic = "Readers of the Arabic edition",
        SegmentEnglish = "Readers of the English edition",
        SegmentBoth = "Both: one edition per language, each with the chosen posts in its language or their translations",
        ChoosePosts = "Posts",
        ChooseHelp = "The latest published posts, newest first. A chosen post's translation goes in the other language's edition.",
        Show = "Show",
        AllLanguages = "All languages",
        Kind = "Kind",
        NoPosts = "No post is published yet.",
        Create = "Make the special edition",
        ProblemNoSegment = "Choose who it goes to: the Arabic readers, the English readers or both.",
        ProblemNoPosts = "Choose at least one published post.",
        ProblemNotPublished = "Choose published posts only.",
        ProblemNoPostInLanguage = "For each language it goes to, choose a post in that language or one translated into it.",
        ProblemTooManyPosts = "Choose at most {0} posts.",
    };

    public static readonly ConsoleText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Title = "النشرة",
        Intro = "النشرة الدورية نصف الشهرية والأعداد الخاصة: ما يصدر تالياً في كل لغة، وما يُرسل الآن، وما صدر من قبل.",
        NextIn = "العدد التالي ب{0}",
        Period = "الفترة",
        SendTime = "موعد الإرسال",
        Status = "الحالة",
        Approval = "الموافقة",
        Posts = "المواد",
        OpenEdition = "فتح العدد",
        NoneYet = "لا عدد قيد التحضير بعد. موعد الإرسال التالي {0} (الفترة {1})، ويُحضَّر عدده ابتداءً من {2} لمراجعته قبل إرساله.",
        NoneYetSoon = "لا عدد قيد التحضير بعد. موعد الإرسال التالي {0} (الفترة {1})، ويُحضَّر عدده في الجولة التالية للمجدول.",
        NoSchedule = "لا موعد إرسال تالياً في الجدول.",
        Missed = "فات هذا العددَ موعدُ إرساله ({0}) بأكثر من {1}: إنه ينتظر محرراً. أرسله الآن أو أوقفه.",
        DueForApproval = "مضى موعد إرساله ({0}): يصدر حالما يوافق عليه محرر.",
        ApprovalOn = "تنتظر الأعداد موافقة محرر قبل إرسالها.",
        ApprovalOff = "تصدر الأعداد وحدها في موعدها ما لم يوقفها محرر.",
        ChangeInSettings = "غيّر ذلك من الإعدادات",
        ChangedByAdministrators = "يستطيع المديرون تغيير ذلك من الإعدادات.",
        TimesIn = "الأوقات بتوقيت المطبوعة، {0}.",
        SendingNow = "يُرسل الآن",
        NothingSending = "لا شيء يُرسل الآن.",
        WaitingTitle = "أعداد أخرى تنتظر المراجعة",
        PastTitle = "الأعداد السابقة",
        NoPast = "لم يصدر أي عدد ولم يُتخطَّ أي عدد بعد.",
        Edition = "العدد",
        SentAt = "تاريخ الإرسال",
        Templates = "تعديل قوالب النشرة",
        NewSpecial = "إعداد عدد خاص",
        Newer = "الأحدث",
        Older = "الأقدم",
        PageOf = "الصفحة {0} من {1}",
        Paging = "الصفحات",
        ApprovedBy = "وافق عليه {0} في {1}",
        ApprovedOn = "تمت الموافقة عليه في {0}",
        HeldBy = "أوقفه {0}",
        Held = "موقوف",
        AwaitingApproval = "بانتظار موافقة محرر",
        GoesByItself = "يصدر وحده في موعده",
        Back = "العودة إلى النشرة",
        Newsletter = "النشرة",
        EditionLanguage = "اللغة",
        Prepared = "حُضّر",
        NotPrepared = "ليس بعد",
        SubscribersNow = "المشتركون الآن",
        ReadersSee = "الموضوع كما يراه القراء",
        OtherLanguage = "الفترة نفسها ب{0}:",
        OtherMissing = "لا عدد ب{0} لهذه الفترة.",
        OpenOther = "فتح العدد ب{0}",
        Preview = "المعاينة",
        PreviewHelp = "كما سيصل إلى القراء. روابط إلغاء الاشتراك والتفضيلات تقود هنا إلى صفحة الاشتراك؛ وفي البريد يصل كل قارئ روابطه الخاصة.",
        PreviewFrameTitle = "معاينة رسالة العدد",
        PlainText = "الجزء النصي العادي",
        PreviewOther = "معاينة العدد ب{0}",
        PostTitle = "العنوان",
        Published = "نُشرت",
        Order = "الترتيب",
        Up = "أعلى",
        Down = "أسفل",
        MoveUp = "نقل «{0}» إلى أعلى",
        MoveDown = "نقل «{0}» إلى أسفل",
        Remove = "إزالة",
        RemoveTitle = "إزالة مادة",
        RemoveConfirm = "إزالة «{0}» من هذا العدد؟ يمكن أن تدخل عدداً لاحقاً.",
        EditPost = "تحرير",
        NoItems = "لا مواد في هذا العدد.",
        TextTitle = "الموضوع والمقدمة",
        Subject = "الموضوع",
        SubjectHelp = "سطر واحد من {0} حرف على الأكثر. إن تُرك فارغاً: الموضوع الافتراضي.",
        IntroLabel = "المقدمة",
        IntroHelp = "نص عادي؛ السطر الفارغ يبدأ فقرة جديدة. {0} حرف على الأكثر. إن تُركت فارغة: بلا مقدمة.",
        SaveText = "حفظ الموضوع والمقدمة",
        Refresh = "إعادة اختيار المواد",
        RefreshHelp = "اختيار المواد من جديد مما استجد، كما فعل المجدول أول مرة.",
        RefreshConfirm = "إعادة اختيار مواد هذا العدد مما استجد؟ يضيع ما غيّرته من ترتيب وإزالة وتُسحب أي موافقة؛ ويبقى الموضوع والمقدمة.",
        TestTitle = "إرسال نسخة تجريبية",
        TestAddress = "العنوان",
        TestHelp = "العدد كما يصل إلى القارئ، معلَّماً بأنه تجربة، وفيه روابط صفحة الاشتراك بدل روابط القارئ الخاصة. لا يُنشأ أي مشترك.",
        TestButton = "أرسل التجربة",
        TestSent = "سُلّمت النسخة التجريبية. ردّ خادم البريد: {0}",
        TestNotSent = "لم تُسلَّم النسخة التجريبية. ردّ خادم البريد: {0}",
        ActionsTitle = "الموافقة أو الإيقاف أو الإرسال",
        Approve = "موافقة",
        Hold = "إيقاف",
        SendNow = "أرسل الآن",
        ApproveHelp = "بعد الموافقة يصدر في موعده ({0}). أي تغيير بعدها يحتاج موافقة جديدة.",
        ApproveSpecialHelp = "لا موعد للعدد الخاص: الموافقة عليه ترسله فوراً.",
        HoldHelp = "الموقوف لا يصدر حتى يوافق عليه محرر.",
        ApproveTitle = "الموافقة على العدد",
        ApproveConfirm = "الموافقة على هذا العدد؟ يصدر في موعده ({0}) إلى مشتركي لغته حينها، وعددهم الآن {1}.",
        ApproveNowConfirm = "مضى موعد إرساله، فالموافقة ترسله فوراً إلى {0} مشترك. الموافقة والإرسال الآن؟ لا يمكن التراجع عن ذلك.",
        ApproveSpecialConfirm = "الموافقة على العدد الخاص ترسله فوراً إلى {0} مشترك. الموافقة والإرسال الآن؟ لا يمكن التراجع عن ذلك.",
        SendNowTitle = "إرسال العدد الآن",
        SendNowConfirm = "إرسال هذا العدد الآن إلى {0} مشترك؟ لا يمكن التراجع عن ذلك.",
        Gone = "سُلّم هذا العدد إلى محرك الإرسال: لم يعد تغييره ممكناً.",
        SkippedHelp = "تُخطّي: لم يستجد شيء في هذه الفترة. أعد اختيار المواد لملئه من جديد.",
        Delivery = "الإرسال",
        Recipients = "المستلمون",
        Sent = "أُرسلت",
        Deferred = "مؤجلة",
        Failed = "فشلت",
        Waiting = "بالانتظار",
        Skipped = "تُخطّيت",
        Bounced = "ارتدّت",
        Complaints = "شكاوى",
        Opens = "مرات الفتح",
        Stopped = "متوقف: {0}",
        LiveHelp = "تتحدّث الأرقام وحدها أثناء الإرسال.",
        Saved = "حُفظ الموضوع والمقدمة.",
        SavedUnapproved = "تمّ التغيير. كانت الموافقة على العدد قبل هذا التغيير: يحتاج موافقة جديدة.",
        Moved = "نُقلت المادة.",
        Removed = "أُزيلت المادة من العدد.",
        Refreshed = "اختيرت المواد من جديد.",
        ApprovedNotice = "تمت الموافقة: يصدر في موعده.",
        ApprovedSending = "تمت الموافقة وسُلّم إلى محرك الإرسال: إنه يُرسل الآن.",
        HeldNotice = "أُوقف: لا يصدر حتى يوافق عليه محرر.",
        SendingNotice = "سُلّم إلى محرك الإرسال: إنه يُرسل الآن.",
        SpecialMade = "أُعدّ العدد الخاص. راجعه وأرسل نسخة تجريبية ثم وافق عليه لإرساله.",
        BadRequest = "لم يُفهم هذا الطلب. ارجع وأعد تحميل الصفحة ثم حاول مجدداً.",
        ProblemNotFound = "لا يوجد عدد كهذا.",
        ProblemAlreadySent = "سُلّم هذا العدد إلى محرك الإرسال من قبل؛ لم يعد تغييره ممكناً.",
        ProblemEmpty = "لا مواد في هذا العدد: أعد اختيار المواد لملئه قبل أن يصدر.",
        ProblemSkipped = "تُخطّي هذا العدد لأنه لم يستجد شيء. أعد اختيار مواده لملئه من جديد.",
        ProblemUnknownPost = "هذه المادة ليست في هذا العدد.",
        ProblemSubject = "الموضوع سطر واحد من {0} حرف على الأكثر.",
        ProblemIntro = "المقدمة نص عادي من {0} حرف على الأكثر.",
        ProblemAddress = "أدخل عنوان بريد إلكتروني واحداً صحيحاً للتجربة.",
        ProblemNotDue = "لا يمكن لهذا العدد فعل ذلك في حالته الحالية.",
        ProblemMail = "تعذّر إرسال التجربة: لم يمكن الوصول إلى خادم البريد.",
        ProblemNotDigest = "لا يُعاد اختيار المواد إلا لأعداد النشرة الدورية؛ العدد الخاص يبقى بالمواد التي أُعدّ منها.",
        SpecialTitle = "عدد خاص",
        SpecialIntro = "عدد لمرة واحدة من مواد تختارها (خبر عاجل)، إلى مشتركي النشرة بلغة واحدة أو باللغتين. يُعدّ مسودةً لتراجعها وتجربها وتوافق عليها؛ والموافقة ترسله فوراً.",
        Segment = "يُرسل إلى",
        SegmentArabic = "قرّاء العدد العربي",
        SegmentEnglish = "قرّاء العدد الإنجليزي",
        SegmentBoth = "كلاهما: عدد لكل لغة، فيه المواد المختارة بلغته أو ترجماتها",
        ChoosePosts = "المواد",
        ChooseHelp = "آخر المواد المنشورة، الأحدث أولاً. ترجمة المادة المختارة تدخل عدد اللغة الأخرى.",
        Show = "عرض",
        AllLanguages = "كل اللغات",
        Kind = "النوع",
        NoPosts = "لا مواد منشورة بعد.",
        Create = "إعداد العدد الخاص",
        ProblemNoSegment = "اختر إلى من يُرسل: قرّاء العربية أو قرّاء الإنجليزية أو كليهما.",
        ProblemNoPosts = "اختر مادة منشورة واحدة على الأقل.",
        ProblemNotPublished = "اختر مواد منشورة فقط.",
        ProblemNoPostInLanguage = "لكل لغة يُرسل إليها، اختر مادة بتلك اللغة أو مترجمة إليها.",
        ProblemTooManyPosts = "اختر {0} مادة على الأكثر.",
    };

    public static ConsoleText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string NextIn { get; init; }
    public required string Period { get; init; }
    public required string SendTime { get; init; }
    public required string Status { get; init; }
    public required string Approval { get; init; }
    public required string Posts { get; init; }
    public required string OpenEdition { get; init; }
    public required string NoneYet { get; init; }
    public required string NoneYetSoon { get; init; }
    public required string NoSchedule { get; init; }
    public required string Missed { get; init; }
    public required string DueForApproval { get; init; }
    public required string ApprovalOn { get; init; }
    public required string ApprovalOff { get; init; }
    public required string ChangeInSettings { get; init; }
    public required string ChangedByAdministrators { get; init; }
    public required string TimesIn { get; init; }
    public required string SendingNow { get; init; }
    public required string NothingSending { get; init; }
    public required string WaitingTitle { get; init; }
    public required string PastTitle { get; init; }
    public required string NoPast { get; init; }
    public required string Edition { get; init; }
    public required string SentAt { get; init; }
    public required string Templates { get; init; }
    public required string NewSpecial { get; init; }
    public required string Newer { get; init; }
    public required string Older { get; init; }
    public required string PageOf { get; init; }
    public required string Paging { get; init; }
    public required string ApprovedBy { get; init; }
    public required string ApprovedOn { get; init; }
    public required string HeldBy { get; init; }
    public required string Held { get; init; }
    public required string AwaitingApproval { get; init; }
    public required string GoesByItself { get; init; }
    public required string Back { get; init; }
    public required string Newsletter { get; init; }
    public required string EditionLanguage { get; init; }
    public required string Prepared { get; init; }
    public required string NotPrepared { get; init; }
    public required string SubscribersNow { get; init; }
    public required string ReadersSee { get; init; }
    public required string OtherLanguage { get; init; }
    public required string OtherMissing { get; init; }
    public required string OpenOther { get; init; }
    public required string Preview { get; init; }
    public required string PreviewHelp { get; init; }
    public required string PreviewFrameTitle { get; init; }
    public required string PlainText { get; init; }
    public required string PreviewOther { get; init; }
    public required string PostTitle { get; init; }
    public required string Published { get; init; }
    public required string Order { get; init; }
    public required string Up { get; init; }
    public required string Down { get; init; }
    public required string MoveUp { get; init; }
    public required string MoveDown { get; init; }
    public required string Remove { get; init; }
    public required string RemoveTitle { get; init; }
    public required string RemoveConfirm { get; init; }
    public required string EditPost { get; init; }
    public required string NoItems { get; init; }
    public required string TextTitle { get; init; }
    public required string Subject { get; init; }
    public required string SubjectHelp { get; init; }
    public required string IntroLabel { get; init; }
    public required string IntroHelp { get; init; }
    public required string SaveText { get; init; }
    public required string Refresh { get; init; }
    public required string RefreshHelp { get; init; }
    public required string RefreshConfirm { get; init; }
    public required string TestTitle { get; init; }
    public required string TestAddress { get; init; }
    public required string TestHelp { get; init; }
    public required string TestButton { get; init; }
    public required string TestSent { get; init; }
    public required string TestNotSent { get; init; }
    public required string ActionsTitle { get; init; }
    public required string Approve { get; init; }
    public required string Hold { get; init; }
    public required string SendNow { get; init; }
    public required string ApproveHelp { get; init; }
    public required string ApproveSpecialHelp { get; init; }
    public required string HoldHelp { get; init; }
    public required string ApproveTitle { get; init; }
    public required string ApproveConfirm { get; init; }
    public required string ApproveNowConfirm { get; init; }
    public required string ApproveSpecialConfirm { get; init; }
    public required string SendNowTitle { get; init; }
    public required string SendNowConfirm { get; init; }
    public required string Gone { get; init; }
    public required string SkippedHelp { get; init; }
    public required string Delivery { get; init; }
    public required string Recipients { get; init; }
    public required string Sent { get; init; }
    public required string Deferred { get; init; }
    public required string Failed { get; init; }
    public required string Waiting { get; init; }
    public required string Skipped { get; init; }
    public required string Bounced { get; init; }
    public required string Complaints { get; init; }
    public required string Opens { get; init; }
    public required string Stopped { get; init; }
    public required string LiveHelp { get; init; }
    public required string Saved { get; init; }
    public required string SavedUnapproved { get; init; }
    public required string Moved { get; init; }
    public required string Removed { get; init; }
    public required string Refreshed { get; init; }
    public required string ApprovedNotice { get; init; }
    public required string ApprovedSending { get; init; }
    public required string HeldNotice { get; init; }
    public required string SendingNotice { get; init; }
    public required string SpecialMade { get; init; }
    public required string BadRequest { get; init; }
    public required string ProblemNotFound { get; init; }
    public required string ProblemAlreadySent { get; init; }
    public required string ProblemEmpty { get; init; }
    public required string ProblemSkipped { get; init; }
    public required string ProblemUnknownPost { get; init; }
    public required string ProblemSubject { get; init; }
    public required string ProblemIntro { get; init; }
    public required string ProblemAddress { get; init; }
    public required string ProblemNotDue { get; init; }
    public required string ProblemMail { get; init; }
    public required string ProblemNotDigest { get; init; }
    public required string SpecialTitle { get; init; }
    public required string SpecialIntro { get; init; }
    public required string Segment { get; init; }
    public required string SegmentArabic { get; init; }
    public required string SegmentEnglish { get; init; }
    public required string SegmentBoth { get; init; }
    public required string ChoosePosts { get; init; }
    public required string ChooseHelp { get; init; }
    public required string Show { get; init; }
    public required string AllLanguages { get; init; }
    public required string Kind { get; init; }
    public required string NoPosts { get; init; }
    public required string Create { get; init; }
    public required string ProblemNoSegment { get; init; }
    public required string ProblemNoPosts { get; init; }
    public required string ProblemNotPublished { get; init; }
    public required string ProblemNoPostInLanguage { get; init; }
    public required string ProblemTooManyPosts { get; init; }

    private bool IsArabic => Language == Broadsheet.Language.Arabic;

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>
    /// A time, a period key or a server's reply set in Arabic text: isolated as left-to-right (U+2066 … U+2069), so
    /// <c>2026-12-A</c> does not read as <c>A-12-2026</c> between Arabic words. English text needs nothing.
    /// </summary>
    public string Ltr(string? value) => IsArabic && !string.IsNullOrEmpty(value) ? "\u2066" + value + "\u2069" : value ?? "";

    /// <summary>A language's name in this language ("Arabic", "العربية").</summary>
    public string LanguageName(string language) => (language == Broadsheet.Language.Arabic, IsArabic) switch
    {
        (true, false) => "Arabic",
        (false, false) => "English",
        (true, true) => "العربية",
        (false, true) => "الإنجليزية",
    };

    /// <summary>An edition's name for headings and lists: its newsletter, language and period key.</summary>
    public string EditionName(Edition edition)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var special = edition.Newsletter == Broadsheet.Newsletter.Edition.Special;
        var arabicEdition = edition.Language == Broadsheet.Language.Arabic;
        var name = (special, arabicEdition, IsArabic) switch
        {
            (false, false, false) => "English digest",
            (false, true, false) => "Arabic digest",
            (true, false, false) => "English special edition",
            (true, true, false) => "Arabic special edition",
            (false, false, true) => "النشرة الدورية بالإنجليزية",
            (false, true, true) => "النشرة الدورية بالعربية",
            (true, false, true) => "عدد خاص بالإنجليزية",
            (true, true, true) => "عدد خاص بالعربية",
        };
        return name + (IsArabic ? "، " : ", ") + Ltr(edition.PeriodKey);
    }

    public string NewsletterName(string newsletter) => (newsletter == Broadsheet.Newsletter.Edition.Special, IsArabic) switch
    {
        (true, false) => "Special edition",
        (false, false) => "Digest",
        (true, true) => "عدد خاص",
        (false, true) => "النشرة الدورية",
    };

    public string StatusName(EditionStatus status) => (status, IsArabic) switch
    {
        (EditionStatus.Draft, false) => "Draft",
        (EditionStatus.Approved, false) => "Approved",
        (EditionStatus.Held, false) => "Held",
        (EditionStatus.Sending, false) => "Sending",
        (EditionStatus.Sent, false) => "Sent",
        (EditionStatus.Skipped, false) => "Skipped (nothing new)",
        (EditionStatus.Draft, true) => "مسودة",
        (EditionStatus.Approved, true) => "موافق عليه",
        (EditionStatus.Held, true) => "موقوف",
        (EditionStatus.Sending, true) => "قيد الإرسال",
        (EditionStatus.Sent, true) => "أُرسل",
        (EditionStatus.Skipped, true) => "تُخطّي (لا جديد)",
        _ => status.ToString(),
    };

    /// <summary>Where the delivery engine stands with an edition's send.</summary>
    public string SendStatusName(SendStatus? status) => (status, IsArabic) switch
    {
        (SendStatus.Materialising, false) => "Preparing the recipients",
        (SendStatus.Sending, false) => "Sending",
        (SendStatus.Failed, false) => "Stopped",
        (SendStatus.Finished, false) => "Finished",
        (SendStatus.Materialising, true) => "تحضير المستلمين",
        (SendStatus.Sending, true) => "قيد الإرسال",
        (SendStatus.Failed, true) => "متوقف",
        (SendStatus.Finished, true) => "انتهى",
        (_, false) => "Not handed over",
        (_, true) => "لم يُسلَّم بعد",
    };

    /// <summary>Where an edition stands with its editors: approved by whom and when, held by whom, or what it waits for.</summary>
    public string ApprovalOf(ConsoleEditionRow row, bool requireApproval, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(row);
        var edition = row.Edition;
        if (edition.ApprovedAt is { } at && edition.Status is not (EditionStatus.Draft or EditionStatus.Held or EditionStatus.Skipped))
        {
            return row.Reviewer is { } who ? Format(ApprovedBy, who, Ltr(Time(at, zone))) : Format(ApprovedOn, Ltr(Time(at, zone)));
        }

        return edition.Status switch
        {
            EditionStatus.Held => row.Reviewer is { } who ? Format(HeldBy, who) : Held,
            EditionStatus.Draft when requireApproval || edition.Newsletter == Broadsheet.Newsletter.Edition.Special => AwaitingApproval,
            EditionStatus.Draft => GoesByItself,
            _ => "—",
        };
    }

    /// <summary>A section's heading: the posts of one kind.</summary>
    public string SectionName(PostKind kind) => (kind, IsArabic) switch
    {
        (PostKind.Report, false) => "Reports",
        (PostKind.Design, false) => "Designs",
        (PostKind.News, false) => "News",
        (PostKind.Report, true) => "التقارير",
        (PostKind.Design, true) => "التصاميم",
        (PostKind.News, true) => "الأخبار",
        _ => kind.ToString(),
    };

    public string KindName(PostKind kind) => (kind, IsArabic) switch
    {
        (PostKind.Report, false) => "Report",
        (PostKind.Design, false) => "Design",
        (PostKind.News, false) => "News",
        (PostKind.Report, true) => "تقرير",
        (PostKind.Design, true) => "تصميم",
        (PostKind.News, true) => "خبر",
        _ => kind.ToString(),
    };

    /// <summary>A length of time in words, for the lateness window ("6 hours", "90 minutes").</summary>
    public string Duration(TimeSpan span) => span.TotalHours >= 1 && span.TotalMinutes % 60 == 0
        ? Format(IsArabic ? "{0} ساعة" : span.TotalHours == 1 ? "{0} hour" : "{0} hours", (int)span.TotalHours)
        : Format(IsArabic ? "{0} دقيقة" : "{0} minutes", (int)span.TotalMinutes);

    /// <summary>
    /// A refusal of <see cref="EditionService"/> in this language. <paramref name="edition"/> (as it is now) tells an
    /// empty edition from a skipped one; <paramref name="subjectTooLong"/> tells which text was refused.
    /// </summary>
    public string Problem(EditionProblem problem, Edition? edition = null, bool subjectTooLong = false) => problem switch
    {
        EditionProblem.NotFound => ProblemNotFound,
        EditionProblem.AlreadySent => ProblemAlreadySent,
        EditionProblem.Empty => edition?.Status == EditionStatus.Skipped ? ProblemSkipped : ProblemEmpty,
        EditionProblem.UnknownPost => ProblemUnknownPost,
        EditionProblem.InvalidText => subjectTooLong
            ? Format(ProblemSubject, SendService.MaxSubjectLength)
            : Format(ProblemIntro, Broadsheet.Newsletter.Edition.MaxIntroLength),
        EditionProblem.InvalidAddress => ProblemAddress,
        EditionProblem.MailFailed => ProblemMail,
        _ => ProblemNotDue,
    };

    /// <summary>A refusal of the special edition's form in this language (the library's words are English).</summary>
    public string SpecialProblem(EditionProblem problem, bool subjectTooLong) => problem switch
    {
        EditionProblem.UnknownPost => ProblemNotPublished,
        EditionProblem.Empty => ProblemNoPostInLanguage,
        EditionProblem.InvalidText => Problem(problem, null, subjectTooLong),
        _ => ProblemNotDue,
    };

    /// <summary>The words for a notice key after a redirect (see <see cref="AdminPage.Done"/>), or null.</summary>
    public string? Notice(string? key) => key switch
    {
        "saved" => Saved,
        "unapproved" => SavedUnapproved,
        "moved" => Moved,
        "removed" => Removed,
        "refreshed" => Refreshed,
        "approved" => ApprovedNotice,
        "approved-sending" => ApprovedSending,
        "held" => HeldNotice,
        "sending" => SendingNotice,
        "special" => SpecialMade,
        _ => null,
    };

    /// <summary>A UTC time in the publication's time zone, as the console shows times.</summary>
    public static string Time(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
