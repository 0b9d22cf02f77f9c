namespace Broadsheet.Web.Admin.Settings;

/// <summary>The settings page's words in English and Arabic.</summary>
public sealed class SettingsText
{
    public static readonly SettingsText English = new()
    {
        Intro = "These settings override the configuration file. Empty a field to go back to the configured default (shown under it).",
        Publication = "Publication", NameEnglish = "Name in English", NameArabic = "Name in Arabic", SiteUrl = "Site address",
        SiteUrlHint = "The public address used in links, feeds and mail, e.g. https://example.org.", TimeZone = "Time zone",
        TimeZoneHint = "An IANA name, e.g. Asia/Beirut. Schedules and the newsletter's times follow it.",
        Sender = "Sender", From = "From", FromHint = "Who newsletters come from, e.g. \"The Ledger\" <newsletter@example.org>.", ReplyTo = "Reply-To",
        Transport = "Mail transport", TransportOutbox = "Outbox folder (no mail server: messages are written to the outbox, see Outbox)",
        TransportSmtp = "SMTP relay", Host = "Host", Port = "Port", Security = "Security", Username = "Username", Password = "Password",
        PasswordSet = "A password is set; leave empty to keep it.", PasswordUnset = "No password is set.", ClearPassword = "Remove the saved password",
        Connections = "Connections", MessagesPerSecond = "Messages per second (0: no limit)",
        SendTest = "Send a test message to {0}", TestSent = "The test message was accepted: {0}", TestFailed = "The test message was not sent: {0}",
        Dkim = "DKIM signing", DkimIntro = "Signing proves to receiving servers that mail from your domain is yours. Make a key, publish its DNS record, then save the domain and selector to turn signing on.",
        Domain = "Domain", Selector = "Selector", MakeKey = "Make a key for this domain and selector",
        KeyMade = "The key was made. Publish this DNS record, then save the domain and selector.", KeyExists = "A key already exists for this domain and selector.",
        DnsRecord = "DNS record to publish (TXT)", DkimOff = "Signing is off.", DkimOn = "Signing as {0} with selector {1}.",
        Tracking = "Tracking", TrackingIntro = "Off by default: readers are not tracked unless you turn these on.",
        TrackOpens = "Count opens (a tracking pixel in each newsletter)", TrackClicks = "Count clicks (links go through a redirect)",
        Digest = "The digest", RequireApproval = "Editions wait for an editor's approval",
        RequireApprovalHelp = "On (the default): an edition is prepared a day ahead and goes out at its time only once an editor has approved it. Off: an edition nobody held sends itself at its time.",
        Saved = "The settings were saved and are in use.", Default = "Default: {0}",
        TestHeading = "Check the mail settings",
    };

    public static readonly SettingsText Arabic = new()
    {
        Intro = "هذه الإعدادات تتقدّم على ملف الإعداد. أفرغ الحقل للعودة إلى القيمة الافتراضية (تظهر تحته).",
        Publication = "المطبوعة", NameEnglish = "الاسم بالإنجليزية", NameArabic = "الاسم بالعربية", SiteUrl = "عنوان الموقع",
        SiteUrlHint = "العنوان العام المستخدم في الروابط والخلاصات والبريد، مثل https://example.org.", TimeZone = "المنطقة الزمنية",
        TimeZoneHint = "اسم IANA مثل Asia/Beirut. تتبعه الجدولة ومواعيد النشرة.",
        Sender = "المُرسِل", From = "من", FromHint = "الجهة التي تصل منها النشرات، مثل \"The Ledger\" <newsletter@example.org>.", ReplyTo = "الرد إلى",
        Transport = "وسيلة إرسال البريد", TransportOutbox = "مجلد صندوق الصادر (بلا خادم بريد: تُكتب الرسائل في صندوق الصادر)",
        TransportSmtp = "خادم SMTP", Host = "المضيف", Port = "المنفذ", Security = "الأمان", Username = "اسم المستخدم", Password = "كلمة المرور",
        PasswordSet = "كلمة مرور محفوظة؛ اترك الحقل فارغاً للإبقاء عليها.", PasswordUnset = "لا توجد كلمة مرور.", ClearPassword = "حذف كلمة المرور المحفوظة",
        Connections = "عدد الاتصالات", MessagesPerSecond = "الرسائل في الثانية (0: بلا تقييد)",
        SendTest = "إرسال رسالة تجريبية إلى {0}", TestSent = "قُبلت الرسالة التجريبية: {0}", TestFailed = "لم تُرسل الرسالة التجريبية: {0}",
        Dkim = "توقيع DKIM", DkimIntro = "يثبت التوقيع للخوادم المستقبلة أن البريد الصادر من نطاقك صادر عنك فعلاً. أنشئ مفتاحاً وانشر سجل DNS الخاص به، ثم احفظ النطاق والمحدِّد لتفعيل التوقيع.",
        Domain = "النطاق", Selector = "المحدِّد", MakeKey = "إنشاء مفتاح لهذا النطاق والمحدِّد",
        KeyMade = "أُنشئ المفتاح. انشر سجل DNS هذا ثم احفظ النطاق والمحدِّد.", KeyExists = "يوجد مفتاح لهذا النطاق والمحدِّد بالفعل.",
        DnsRecord = "سجل DNS المطلوب نشره (TXT)", DkimOff = "التوقيع غير مفعّل.", DkimOn = "التوقيع باسم النطاق {0} والمحدِّد {1}.",
        Tracking = "التتبع", TrackingIntro = "غير مفعّل افتراضياً: لا يُتتبّع القرّاء ما لم تفعّل ذلك.",
        TrackOpens = "عدّ مرات الفتح (بكسل تتبع في كل نشرة)", TrackClicks = "عدّ النقرات (تمر الروابط عبر إعادة توجيه)",
        Digest = "النشرة الدورية", RequireApproval = "تنتظر الأعداد موافقة محرر",
        RequireApprovalHelp = "مفعّل (الافتراضي): يُحضَّر العدد قبل موعده بيوم ولا يُرسل في موعده إلا بعد موافقة محرر. غير مفعّل: يُرسل العدد وحده في موعده ما لم يوقفه أحد.",
        Saved = "حُفظت الإعدادات وهي مستخدمة الآن.", Default = "الافتراضي: {0}",
        TestHeading = "فحص إعدادات البريد",
    };

    public static SettingsText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Intro { get; init; }
    public required string Publication { get; init; }
    public required string NameEnglish { get; init; }
    public required string NameArabic { get; init; }
    public required string SiteUrl { get; init; }
    public required string SiteUrlHint { get; init; }
    public required string TimeZone { get; init; }
    public required string TimeZoneHint { get; init; }
    public required string Sender { get; init; }
    public required string From { get; init; }
    public required string FromHint { get; init; }
    public required string ReplyTo { get; init; }
    public required string Transport { get; init; }
    public required string TransportOutbox { get; init; }
    public required string TransportSmtp { get; init; }
    public required string Host { get; init; }
    public required string Port { get; init; }
    public required string Security { get; init; }
    public required string Username { get; init; }
    public required string Password { get; init; }
    public required string PasswordSet { get; init; }
    public required string PasswordUnset { get; init; }
    public required string ClearPassword { get; init; }
    public required string Connections { get; init; }
    public required string MessagesPerSecond { get; init; }
    public required string SendTest { get; init; }
    public required string TestSent { get; init; }
    public required string TestFailed { get; init; }
    public required string Dkim { get; init; }
    public required string DkimIntro { get; init; }
    public required string Domain { get; init; }
    public required string Selector { get; init; }
    public required string MakeKey { get; init; }
    public required string KeyMade { get; init; }
    public required string KeyExists { get; init; }
    public required string DnsRecord { get; init; }
    public required string DkimOff { get; init; }
    public required string DkimOn { get; init; }
    public required string Tracking { get; init; }
    public required string TrackingIntro { get; init; }
    public required string TrackOpens { get; init; }
    public required string TrackClicks { get; init; }
    public required string Digest { get; init; }
    public required string RequireApproval { get; init; }
    public required string RequireApprovalHelp { get; init; }
    public required string Saved { get; init; }
    public required string Default { get; init; }
    public required string TestHeading { get; init; }
}
