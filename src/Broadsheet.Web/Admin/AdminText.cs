using System.Globalization;
using Broadsheet.Staff;

namespace Broadsheet.Web.Admin;

/// <summary>
/// The admin's shared words (frame, accounts, staff, common buttons and errors) in each language. Each area of the
/// admin keeps its own words beside its pages (e.g. the posts' in their own file); both languages stay in step here.
/// </summary>
public sealed class AdminText
{
    public static readonly AdminText English = new()
    {
        Language = Broadsheet.Language.English,
        Admin = "Admin", Dashboard = "Dashboard", Posts = "Posts", Subscribers = "Subscribers", Outbox = "Outbox",
        Staff = "Staff", Settings = "Settings", Account = "Your account", SignOut = "Sign out", ViewSite = "View the site",
        SkipToContent = "Skip to content", MainNavigation = "Admin sections", SignedInAs = "Signed in as {0} ({1})",
        SetupTitle = "Set up your newsroom",
        SetupIntro = "No one has an account yet. Make the owner's account: the owner can invite colleagues and give them roles.",
        Name = "Name", Email = "Email address", Password = "Password", PasswordHint = "At least 10 characters.",
        AdminLanguage = "Admin language", CreateOwner = "Create the owner's account",
        SignInTitle = "Sign in", SignIn = "Sign in", ForgotPassword = "Forgot your password?",
        SignInInvalid = "That address and password do not match an account.",
        LockedOut = "Too many failed attempts. This account is locked until {0} (UTC). You can reset the password by mail.",
        CodeTitle = "Two-step verification", CodeIntro = "Enter the 6-digit code from your authenticator app.", Code = "Code", Verify = "Verify",
        CodeInvalid = "That code is not right, or was already used. Try the next one.",
        ForgotTitle = "Reset your password", ForgotIntro = "Enter your address. If it belongs to an account, a link to choose a new password is on its way.",
        SendLink = "Send the link", ForgotSent = "If that address belongs to an account, a mail with a link is on its way. The link works for one hour.",
        ResetTitle = "Choose a new password", NewPassword = "New password", SavePassword = "Save the password",
        ResetDone = "Your password was changed. Sign in with it.",
        LinkInvalid = "This link does not work: it may have expired, been used already, or been copied incompletely.",
        InvitationTitle = "Join the newsroom", InvitationIntro = "You were invited as {0}. Choose your name and a password for {1}.",
        JoinButton = "Create my account",
        DashboardIntro = "Welcome, {0}.", ActiveSubscribers = "Active subscribers", PublishedPosts = "Published posts",
        Drafts = "Drafts", PendingConfirmations = "Waiting for confirmation",
        StaffIntro = "Everyone who can sign in to the admin, and what their role lets them do.",
        Role = "Role", LastSignIn = "Last sign-in", Never = "never", TwoFactor = "Two-step verification", On = "on", Off = "off",
        Invite = "Invite a colleague", SendInvitation = "Send the invitation", Invited = "The invitation is on its way.",
        ChangeRole = "Change the role", Remove = "Remove", RemoveConfirm = "Remove {0}'s account? Their posts stay.",
        Removed = "The account was removed.", RoleChanged = "The role was changed.", Actions = "Actions",
        RoleHelp = "Contributors write drafts. Authors publish their own posts. Editors publish everything and run the newsletters and subscribers. Administrators also manage staff and settings.",
        AccountIntro = "Your details, your admin language and two-step verification.",
        LanguageSaved = "Saved.", Save = "Save", Cancel = "Cancel", Confirm = "Confirm",
        TwoFactorIntro = "Add a second step to signing in: a 6-digit code from an authenticator app (such as Aegis, FreeOTP or Google Authenticator).",
        TwoFactorScan = "Scan this code with the app, or type the key, then enter the code the app shows.",
        TwoFactorKey = "Key", EnableTwoFactor = "Turn on two-step verification", DisableTwoFactor = "Turn off two-step verification",
        TwoFactorEnabled = "Two-step verification is on.", TwoFactorDisabled = "Two-step verification is off.",
        DisableTwoFactorConfirm = "Turn off two-step verification for your account?",
        ForbiddenTitle = "Not allowed", ForbiddenBody = "Your role does not allow this. Ask an editor or an administrator.",
        NotFoundTitle = "Not found", NotFoundBody = "There is nothing here. It may have been deleted.",
        FormExpiredTitle = "The form expired", FormExpiredBody = "Please go back, reload the page and try again.",
        TooLargeTitle = "Too large", TooLargeBody = "What you sent is larger than the admin accepts (images: at most 20 MB). Go back and choose a smaller file.",
        Media = "Images",
        Newsletter = "Newsletter",
        Empty = "Nothing here yet.",
    };

    public static readonly AdminText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Admin = "لوحة التحرير", Dashboard = "الرئيسية", Posts = "المواد", Subscribers = "المشتركون", Outbox = "صندوق الصادر",
        Staff = "الفريق", Settings = "الإعدادات", Account = "حسابك", SignOut = "تسجيل الخروج", ViewSite = "عرض الموقع",
        SkipToContent = "انتقل إلى المحتوى", MainNavigation = "أقسام لوحة التحرير", SignedInAs = "دخلت باسم {0} ({1})",
        SetupTitle = "إعداد غرفة الأخبار",
        SetupIntro = "لا يوجد أي حساب بعد. أنشئ حساب المالك: يستطيع المالك دعوة الزملاء وتحديد أدوارهم.",
        Name = "الاسم", Email = "البريد الإلكتروني", Password = "كلمة المرور", PasswordHint = "عشرة أحرف على الأقل.",
        AdminLanguage = "لغة لوحة التحرير", CreateOwner = "إنشاء حساب المالك",
        SignInTitle = "تسجيل الدخول", SignIn = "دخول", ForgotPassword = "نسيت كلمة المرور؟",
        SignInInvalid = "البريد الإلكتروني وكلمة المرور لا يطابقان أي حساب.",
        LockedOut = "محاولات فاشلة كثيرة. الحساب مقفل حتى {0} (بالتوقيت العالمي). يمكنك إعادة تعيين كلمة المرور عبر البريد.",
        CodeTitle = "التحقق بخطوتين", CodeIntro = "أدخل الرمز المؤلف من ستة أرقام من تطبيق المصادقة.", Code = "الرمز", Verify = "تحقق",
        CodeInvalid = "الرمز غير صحيح أو استُخدم من قبل. جرّب الرمز التالي.",
        ForgotTitle = "إعادة تعيين كلمة المرور", ForgotIntro = "أدخل بريدك. إن كان لحساب، فسيصلك رابط لاختيار كلمة مرور جديدة.",
        SendLink = "أرسل الرابط", ForgotSent = "إن كان هذا البريد لحساب، فرسالة فيها رابط في طريقها إليك. صلاحية الرابط ساعة واحدة.",
        ResetTitle = "اختر كلمة مرور جديدة", NewPassword = "كلمة المرور الجديدة", SavePassword = "حفظ كلمة المرور",
        ResetDone = "تغيّرت كلمة مرورك. سجّل الدخول بها.",
        LinkInvalid = "هذا الرابط لا يعمل: ربما انتهت صلاحيته أو استُخدم من قبل أو نُسخ ناقصاً.",
        InvitationTitle = "الانضمام إلى الفريق", InvitationIntro = "دُعيت بصفة {0}. اختر اسمك وكلمة مرور للحساب {1}.",
        JoinButton = "إنشاء حسابي",
        DashboardIntro = "أهلاً {0}.", ActiveSubscribers = "المشتركون الفاعلون", PublishedPosts = "المواد المنشورة",
        Drafts = "المسودات", PendingConfirmations = "بانتظار التأكيد",
        StaffIntro = "كل من يستطيع الدخول إلى لوحة التحرير، وما يتيحه له دوره.",
        Role = "الدور", LastSignIn = "آخر دخول", Never = "لم يدخل بعد", TwoFactor = "التحقق بخطوتين", On = "مفعّل", Off = "غير مفعّل",
        Invite = "دعوة زميل", SendInvitation = "إرسال الدعوة", Invited = "الدعوة في طريقها.",
        ChangeRole = "تغيير الدور", Remove = "حذف", RemoveConfirm = "حذف حساب {0}؟ تبقى مواده منشورة.",
        Removed = "حُذف الحساب.", RoleChanged = "تغيّر الدور.", Actions = "إجراءات",
        RoleHelp = "المساهم يكتب مسودات. الكاتب ينشر مواده. المحرر ينشر كل المواد ويدير النشرات والمشتركين. المدير يدير أيضاً الفريق والإعدادات.",
        AccountIntro = "بياناتك ولغة لوحة التحرير والتحقق بخطوتين.",
        LanguageSaved = "حُفظ.", Save = "حفظ", Cancel = "إلغاء", Confirm = "تأكيد",
        TwoFactorIntro = "أضف خطوة ثانية إلى تسجيل الدخول: رمز من ستة أرقام من تطبيق مصادقة (مثل Aegis أو FreeOTP أو Google Authenticator).",
        TwoFactorScan = "امسح هذا الرمز بالتطبيق أو اكتب المفتاح، ثم أدخل الرمز الذي يظهره التطبيق.",
        TwoFactorKey = "المفتاح", EnableTwoFactor = "تفعيل التحقق بخطوتين", DisableTwoFactor = "إيقاف التحقق بخطوتين",
        TwoFactorEnabled = "التحقق بخطوتين مفعّل.", TwoFactorDisabled = "التحقق بخطوتين غير مفعّل.",
        DisableTwoFactorConfirm = "إيقاف التحقق بخطوتين لحسابك؟",
        ForbiddenTitle = "غير مسموح", ForbiddenBody = "دورك لا يسمح بهذا. اطلب ذلك من محرر أو مدير.",
        NotFoundTitle = "غير موجود", NotFoundBody = "لا شيء هنا. ربما حُذف.",
        FormExpiredTitle = "انتهت صلاحية النموذج", FormExpiredBody = "ارجع وأعد تحميل الصفحة ثم حاول مجدداً.",
        TooLargeTitle = "الحجم كبير", TooLargeBody = "ما أرسلته أكبر مما تقبله لوحة التحرير (الصور: 20 ميغابايت على الأكثر). ارجع واختر ملفاً أصغر.",
        Media = "الصور",
        Newsletter = "النشرة",
        Empty = "لا شيء هنا بعد.",
    };

    public static AdminText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Admin { get; init; }
    public required string Dashboard { get; init; }
    public required string Posts { get; init; }
    public required string Subscribers { get; init; }
    public required string Outbox { get; init; }
    public required string Newsletter { get; init; }
    public required string Staff { get; init; }
    public required string Settings { get; init; }
    public required string Account { get; init; }
    public required string SignOut { get; init; }
    public required string ViewSite { get; init; }
    public required string SkipToContent { get; init; }
    public required string MainNavigation { get; init; }
    public required string SignedInAs { get; init; }
    public required string SetupTitle { get; init; }
    public required string SetupIntro { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Password { get; init; }
    public required string PasswordHint { get; init; }
    public required string AdminLanguage { get; init; }
    public required string CreateOwner { get; init; }
    public required string SignInTitle { get; init; }
    public required string SignIn { get; init; }
    public required string ForgotPassword { get; init; }
    public required string SignInInvalid { get; init; }
    public required string LockedOut { get; init; }
    public required string CodeTitle { get; init; }
    public required string CodeIntro { get; init; }
    public required string Code { get; init; }
    public required string Verify { get; init; }
    public required string CodeInvalid { get; init; }
    public required string ForgotTitle { get; init; }
    public required string ForgotIntro { get; init; }
    public required string SendLink { get; init; }
    public required string ForgotSent { get; init; }
    public required string ResetTitle { get; init; }
    public required string NewPassword { get; init; }
    public required string SavePassword { get; init; }
    public required string ResetDone { get; init; }
    public required string LinkInvalid { get; init; }
    public required string InvitationTitle { get; init; }
    public required string InvitationIntro { get; init; }
    public required string JoinButton { get; init; }
    public required string DashboardIntro { get; init; }
    public required string ActiveSubscribers { get; init; }
    public required string PublishedPosts { get; init; }
    public required string Drafts { get; init; }
    public required string PendingConfirmations { get; init; }
    public required string StaffIntro { get; init; }
    public required string Role { get; init; }
    public required string LastSignIn { get; init; }
    public required string Never { get; init; }
    public required string TwoFactor { get; init; }
    public required string On { get; init; }
    public required string Off { get; init; }
    public required string Invite { get; init; }
    public required string SendInvitation { get; init; }
    public required string Invited { get; init; }
    public required string ChangeRole { get; init; }
    public required string Remove { get; init; }
    public required string RemoveConfirm { get; init; }
    public required string Removed { get; init; }
    public required string RoleChanged { get; init; }
    public required string Actions { get; init; }
    public required string RoleHelp { get; init; }
    public required string AccountIntro { get; init; }
    public required string LanguageSaved { get; init; }
    public required string Save { get; init; }
    public required string Cancel { get; init; }
    public required string Confirm { get; init; }
    public required string TwoFactorIntro { get; init; }
    public required string TwoFactorScan { get; init; }
    public required string TwoFactorKey { get; init; }
    public required string EnableTwoFactor { get; init; }
    public required string DisableTwoFactor { get; init; }
    public required string TwoFactorEnabled { get; init; }
    public required string TwoFactorDisabled { get; init; }
    public required string DisableTwoFactorConfirm { get; init; }
    public required string ForbiddenTitle { get; init; }
    public required string ForbiddenBody { get; init; }
    public required string NotFoundTitle { get; init; }
    public required string NotFoundBody { get; init; }
    public required string FormExpiredTitle { get; init; }
    public required string FormExpiredBody { get; init; }
    public required string TooLargeTitle { get; init; }
    public required string TooLargeBody { get; init; }
    public required string Media { get; init; }
    public required string Empty { get; init; }

    public string RoleName(StaffRole role) => StaffMail.RoleName(role, Language);

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>A refused staff action in words.</summary>
    public string Error(StaffError error) => (error, Language == Broadsheet.Language.Arabic) switch
    {
        (StaffError.InvalidEmail, false) => "Enter a valid email address.",
        (StaffError.EmailTaken, false) => "Someone on the staff already has that address.",
        (StaffError.NameRequired, false) => "Enter a name.",
        (StaffError.NameTooLong, false) => $"The name can be at most {StaffService.MaxNameLength} characters.",
        (StaffError.PasswordTooShort, false) => $"The password needs at least {StaffService.MinPasswordLength} characters.",
        (StaffError.PasswordTooLong, false) => $"The password can be at most {StaffService.MaxPasswordLength} characters.",
        (StaffError.PasswordIsEmail, false) => "The password cannot be your email address.",
        (StaffError.SetupAlreadyDone, false) => "The newsroom is already set up. Sign in instead.",
        (StaffError.Forbidden, false) => "Your role does not allow this.",
        (StaffError.NotFound, false) => "That account no longer exists.",
        (StaffError.InvalidLink, false) => LinkInvalid,
        (StaffError.InvalidCode, false) => "That code is not right. Check the app's clock and try the next code.",
        (StaffError.CannotChangeSelf, false) => "You cannot change or remove your own account here.",
        (StaffError.MailFailed, false) => "The mail could not be sent; the invitation was withdrawn. Check the mail settings and try again.",
        (StaffError.InvalidEmail, true) => "أدخل عنوان بريد صحيحاً.",
        (StaffError.EmailTaken, true) => "لدى أحد أعضاء الفريق هذا العنوان بالفعل.",
        (StaffError.NameRequired, true) => "أدخل اسماً.",
        (StaffError.NameTooLong, true) => $"لا يتجاوز الاسم {StaffService.MaxNameLength} حرفاً.",
        (StaffError.PasswordTooShort, true) => $"تحتاج كلمة المرور إلى {StaffService.MinPasswordLength} أحرف على الأقل.",
        (StaffError.PasswordTooLong, true) => $"لا تتجاوز كلمة المرور {StaffService.MaxPasswordLength} حرفاً.",
        (StaffError.PasswordIsEmail, true) => "لا يجوز أن تكون كلمة المرور هي بريدك الإلكتروني.",
        (StaffError.SetupAlreadyDone, true) => "غرفة الأخبار مُعدّة بالفعل. سجّل الدخول.",
        (StaffError.Forbidden, true) => "دورك لا يسمح بهذا.",
        (StaffError.NotFound, true) => "هذا الحساب لم يعد موجوداً.",
        (StaffError.InvalidLink, true) => LinkInvalid,
        (StaffError.InvalidCode, true) => "الرمز غير صحيح. تحقق من ساعة التطبيق وجرّب الرمز التالي.",
        (StaffError.CannotChangeSelf, true) => "لا يمكنك تغيير حسابك أو حذفه من هنا.",
        (StaffError.MailFailed, true) => "تعذّر إرسال الرسالة وسُحبت الدعوة. تحقق من إعدادات البريد وحاول مجدداً.",
        _ => error.ToString(),
    };
}
