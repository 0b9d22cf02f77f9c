namespace Broadsheet.Publishing;

/// <summary>
/// An uploaded image, re-encoded into responsive variants. The files are <c>media/{Key}-{width}.{Extension}</c> in the
/// data folder, served at <c>/media/{Key}-{width}.{Extension}</c>: the name is ours, never the uploader's.
/// </summary>
public sealed class MediaItem
{
    public int Id { get; set; }

    /// <summary>A random 32-character hex name; unique.</summary>
    public string Key { get; set; } = "";

    /// <summary><c>jpg</c>, <c>png</c> or <c>webp</c>: what the variants were encoded as.</summary>
    public string Extension { get; set; } = "jpg";

    /// <summary>The original's size in pixels.</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The variants' widths, ascending, comma-separated (e.g. <c>480,960,1600</c>); none wider than the original.</summary>
    public string Widths { get; set; } = "";

    /// <summary>All variants' bytes together.</summary>
    public long Bytes { get; set; }

    /// <summary>Required: what the image shows, for readers who cannot see it.</summary>
    public string Alt { get; set; } = "";

    /// <summary>The uploaded file's name, for staff to recognise it; shown, never used as a path.</summary>
    public string? OriginalName { get; set; }

    public int? UploadedById { get; set; }
    public DateTime CreatedAt { get; set; }

    public IReadOnlyList<int> WidthList => Widths.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

    public string UrlFor(int width) => $"/media/{Key}-{width}.{Extension}";
}
