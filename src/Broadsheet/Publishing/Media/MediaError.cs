namespace Broadsheet.Publishing.Media;

/// <summary>Why an upload or a deletion was refused (then nothing was written); the admin says it in the staff member's language.</summary>
public enum MediaError
{
    None = 0,

    /// <summary>No alt text: every image needs words for readers who cannot see it.</summary>
    AltRequired,

    /// <summary>More than <see cref="MediaLibrary.MaxAltLength"/> characters of alt text.</summary>
    AltTooLong,

    /// <summary>The upload had no bytes at all.</summary>
    Empty,

    /// <summary>More than <see cref="MediaLibrary.MaxUploadBytes"/> bytes.</summary>
    TooLarge,

    /// <summary>Not a JPEG, PNG, WebP or GIF by its content, whatever its name or declared type.</summary>
    NotAnImage,

    /// <summary>More pixels than <see cref="MediaLibrary.MaxPixels"/> or a side over <see cref="MediaLibrary.MaxSide"/>: refused from the header, before decoding.</summary>
    TooManyPixels,

    /// <summary>Narrower than <see cref="MediaLibrary.MinWidth"/> pixels.</summary>
    TooSmall,

    /// <summary>The header looked right but the image could not be decoded (damaged or cut short).</summary>
    Unreadable,

    NotFound,

    /// <summary>A post uses the image as its cover; deleting it would leave a hole on the site.</summary>
    InUse,
}
