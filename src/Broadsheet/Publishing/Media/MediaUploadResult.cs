namespace Broadsheet.Publishing.Media;

/// <summary>The stored image, or why the upload was refused (then no row and no file was written).</summary>
public sealed record MediaUploadResult(MediaItem? Item, MediaError Error)
{
    public bool Succeeded => Error == MediaError.None;

    public static MediaUploadResult Ok(MediaItem item) => new(item, MediaError.None);

    public static MediaUploadResult Fail(MediaError error) => new(null, error);
}
