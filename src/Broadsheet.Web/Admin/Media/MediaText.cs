using System.Globalization;
using Broadsheet.Publishing.Media;

namespace Broadsheet.Web.Admin.Media;

/// <summary>The image library's words in each language; both stay in step here.</summary>
public sealed class MediaText
{
    public static readonly MediaText English = new()
    {
        Language = Broadsheet.Language.English,
        Title = "Images",
        Intro = "Images for covers and designs. Each upload is redrawn in sizes for every screen; what the camera recorded (place, device) is left out.",
        Upload = "Upload an image",
        File = "Image file",
        FileHint = "JPEG, PNG, WebP or GIF (its first frame), at most 20 MB and 40 megapixels.",
        Alt = "Alt text",
        AltHint = "What the image shows, for readers who cannot see it. Required, up to 500 characters.",
        UploadButton = "Upload",
        Uploaded = "The image was uploaded.",
        Deleted = "The image was deleted.",
        Library = "Uploaded images",
        Empty = "No images yet. Upload the first one with the form above.",
        Delete = "Delete",
        DeleteConfirm = "Delete the image “{0}”? Its files are removed from the site.",
        UploadedBy = "{0}, {1}",
        FormerColleague = "a former colleague",
        Pixels = "{0} × {1} px",
        Sizes = "Sizes",
        Newer = "Newer images",
        Older = "Older images",
        ChooseFile = "Choose an image file to upload.",
        RequestTooLarge = "The upload is larger than 20 MB. Make the image smaller (for example, export it at 3000 pixels wide) and try again.",
    };

    public static readonly MediaText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Title = "الصور",
        Intro = "صور الأغلفة والتصاميم. يُعاد رسم كل صورة مرفوعة بمقاسات تناسب كل الشاشات، ولا يُحتفظ بما سجّلته الكاميرا (المكان والجهاز).",
        Upload = "رفع صورة",
        File = "ملف الصورة",
        FileHint = "JPEG أو PNG أو WebP أو GIF (الإطار الأول منها)، بحد أقصى 20 ميغابايت و40 ميغابكسل.",
        Alt = "النص البديل",
        AltHint = "ما تُظهره الصورة، للقرّاء الذين لا يستطيعون رؤيتها. مطلوب، وحتى 500 حرف.",
        UploadButton = "رفع",
        Uploaded = "رُفعت الصورة.",
        Deleted = "حُذفت الصورة.",
        Library = "الصور المرفوعة",
        Empty = "لا صور بعد. ارفع أولاها من النموذج أعلاه.",
        Delete = "حذف",
        DeleteConfirm = "حذف الصورة «{0}»؟ تُزال ملفاتها من الموقع.",
        UploadedBy = "{0}، {1}",
        FormerColleague = "زميل سابق",
        Pixels = "{0} × {1} بكسل",
        Sizes = "المقاسات",
        Newer = "صور أحدث",
        Older = "صور أقدم",
        ChooseFile = "اختر ملف صورة لرفعه.",
        RequestTooLarge = "حجم الملف المرفوع أكبر من 20 ميغابايت. صغّر الصورة (صدّرها مثلاً بعرض 3000 بكسل) وحاول مجدداً.",
    };

    public static MediaText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string Intro { get; init; }
    public required string Upload { get; init; }
    public required string File { get; init; }
    public required string FileHint { get; init; }
    public required string Alt { get; init; }
    public required string AltHint { get; init; }
    public required string UploadButton { get; init; }
    public required string Uploaded { get; init; }
    public required string Deleted { get; init; }
    public required string Library { get; init; }
    public required string Empty { get; init; }
    public required string Delete { get; init; }
    public required string DeleteConfirm { get; init; }
    public required string UploadedBy { get; init; }
    public required string FormerColleague { get; init; }
    public required string Pixels { get; init; }
    public required string Sizes { get; init; }
    public required string Newer { get; init; }
    public required string Older { get; init; }
    public required string ChooseFile { get; init; }
    public required string RequestTooLarge { get; init; }

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>A file size as people read it: kilobytes below a megabyte, megabytes with one decimal above.</summary>
    public string Size(long bytes) => (bytes >= 1024 * 1024, Language == Broadsheet.Language.Arabic) switch
    {
        (true, false) => Format("{0:0.0} MB", bytes / (1024.0 * 1024)),
        (true, true) => Format("{0:0.0} ميغابايت", bytes / (1024.0 * 1024)),
        (false, false) => Format("{0} KB", Math.Max(1, (bytes + 512) / 1024)),
        (false, true) => Format("{0} كيلوبايت", Math.Max(1, (bytes + 512) / 1024)),
    };

    /// <summary>A refused upload or deletion in words, with what to do about it.</summary>
    public string Error(MediaError error) => (error, Language == Broadsheet.Language.Arabic) switch
    {
        (MediaError.AltRequired, false) => "Write alt text: say what the image shows for readers who cannot see it.",
        (MediaError.AltTooLong, false) => $"The alt text can be at most {MediaLibrary.MaxAltLength} characters.",
        (MediaError.Empty, false) => "The file is empty. Choose the image again.",
        (MediaError.TooLarge, false) => RequestTooLarge,
        (MediaError.NotAnImage, false) => "This file is not a JPEG, PNG, WebP or GIF image (whatever its name says). Export it in one of those formats and try again.",
        (MediaError.TooManyPixels, false) => $"The image is too big in pixels: at most {MediaLibrary.MaxPixels / 1_000_000} megapixels and {MediaLibrary.MaxSide} pixels a side. Make it smaller and try again.",
        (MediaError.TooSmall, false) => $"The image is too small: at least {MediaLibrary.MinWidth} pixels wide.",
        (MediaError.Unreadable, false) => "The image could not be read: the file may be damaged or cut short. Export it again and retry.",
        (MediaError.NotFound, false) => "That image no longer exists.",
        (MediaError.InUse, false) => "A post uses this image as its cover. Give the post another image first, then delete this one.",
        (MediaError.AltRequired, true) => "اكتب النص البديل: صف ما تُظهره الصورة للقرّاء الذين لا يستطيعون رؤيتها.",
        (MediaError.AltTooLong, true) => $"لا يتجاوز النص البديل {MediaLibrary.MaxAltLength} حرف.",
        (MediaError.Empty, true) => "الملف فارغ. اختر الصورة مجدداً.",
        (MediaError.TooLarge, true) => RequestTooLarge,
        (MediaError.NotAnImage, true) => "هذا الملف ليس صورة JPEG أو PNG أو WebP أو GIF (أياً كان اسمه). صدّره بإحدى هذه الصيغ وحاول مجدداً.",
        (MediaError.TooManyPixels, true) => $"أبعاد الصورة كبيرة جداً: الحد {MediaLibrary.MaxPixels / 1_000_000} ميغابكسل و{MediaLibrary.MaxSide} بكسل للضلع. صغّرها وحاول مجدداً.",
        (MediaError.TooSmall, true) => $"الصورة صغيرة جداً: عرضها {MediaLibrary.MinWidth} بكسل على الأقل.",
        (MediaError.Unreadable, true) => "تعذّرت قراءة الصورة: ربما الملف تالف أو ناقص. صدّرها مجدداً وأعد المحاولة.",
        (MediaError.NotFound, true) => "هذه الصورة لم تعد موجودة.",
        (MediaError.InUse, true) => "تستخدم إحدى المواد هذه الصورة غلافاً لها. ضع للمادة صورة أخرى أولاً ثم احذف هذه.",
        _ => error.ToString(),
    };
}
