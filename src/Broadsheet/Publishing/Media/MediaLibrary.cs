using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Publishing.Media;

/// <summary>
/// Uploaded images: every upload and deletion goes through here, so the admin, the API and the CLI share one set of
/// limits. An upload is checked by its content (never its name or declared type), refused from its header when it
/// would decode to too many pixels, and re-encoded into responsive variants named <c>{Key}-{width}.{ext}</c> with a
/// random key: what the uploader called the file is kept only as a label and never decides where anything is written.
/// </summary>
public sealed partial class MediaLibrary(BroadsheetDb db, IOptions<BroadsheetOptions> options, TimeProvider time, ILogger<MediaLibrary> logger)
{
    /// <summary>The largest upload taken, in bytes (20 MiB): more than a full-resolution camera JPEG needs.</summary>
    public const long MaxUploadBytes = 20L * 1024 * 1024;

    /// <summary>
    /// The most pixels an upload may decode to (40 megapixels, about 160 MB of memory once decoded). A small file can
    /// claim a huge size (a "decompression bomb"), so this is checked from the header, before decoding.
    /// </summary>
    public const int MaxPixels = 40_000_000;

    /// <summary>The longest side taken, in pixels, for the same reason.</summary>
    public const int MaxSide = 12_000;

    /// <summary>The narrowest image taken: anything smaller is an icon, not a picture for a post.</summary>
    public const int MinWidth = 16;

    public const int MaxAltLength = 500;
    public const int MaxOriginalNameLength = 200;

    /// <summary>The media folder's name inside the data folder.</summary>
    public const string FolderName = "media";

    // A 40-megapixel decode holds about 160 MB; uploads that arrive together wait their turn instead of adding up.
    private static readonly SemaphoreSlim DecodeGate = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>Where the variants live: <c>{DataDirectory}/media</c>.</summary>
    public string Folder => Path.Combine(options.Value.DataDirectory, FolderName);

    /// <summary>A variant's file name.</summary>
    public static string FileName(string key, int width, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"{key}-{width}.{extension}");

    /// <summary>Whether <paramref name="fileName"/> is one this library could have written: 32 hex characters, a width and jpg, png or webp.</summary>
    public static bool IsVariantFileName(string? fileName) => fileName is not null && VariantFileName().IsMatch(fileName);

    /// <summary>
    /// The full path of a variant by its file name, or null when the name is not one of ours (so no path built from a
    /// request can leave the media folder).
    /// </summary>
    public string? PathOf(string? fileName) => IsVariantFileName(fileName) ? Path.Combine(Folder, fileName!) : null;

    public Task<MediaItem?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        db.Media.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// <summary>
    /// Reads at most <see cref="MaxUploadBytes"/> from <paramref name="content"/>, checks it and stores its variants and
    /// one row. On any refusal or failure nothing is left behind: no row, no file, not even a temporary one.
    /// </summary>
    /// <param name="originalName">The name the uploader's computer gave the file; kept (cleaned, shortened) as a label only.</param>
    /// <param name="alt">What the image shows, for readers who cannot see it: required, trimmed, at most <see cref="MaxAltLength"/> characters.</param>
    public async Task<MediaUploadResult> StoreAsync(Stream content, string? originalName, string alt, int? uploadedById, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var description = alt?.Trim() ?? "";
        if (description.Length == 0)
        {
            return MediaUploadResult.Fail(MediaError.AltRequired);
        }

        if (description.Length > MaxAltLength)
        {
            return MediaUploadResult.Fail(MediaError.AltTooLong);
        }

        var upload = await ReadLimitedAsync(content, cancellationToken);
        if (upload is null)
        {
            return MediaUploadResult.Fail(MediaError.TooLarge);
        }

        if (upload.Length == 0)
        {
            return MediaUploadResult.Fail(MediaError.Empty);
        }

        EncodedImage? image;
        MediaError error;
        await DecodeGate.WaitAsync(cancellationToken);
        try
        {
            error = ImageVariantEncoder.TryEncode(upload, MaxPixels, MaxSide, MinWidth, out image);
        }
        finally
        {
            DecodeGate.Release();
        }

        if (error != MediaError.None)
        {
            LogRefused(error);
            return MediaUploadResult.Fail(error);
        }

        var item = new MediaItem
        {
            Key = RandomNumberGenerator.GetHexString(32, lowercase: true),
            Extension = image!.Extension,
            Width = image.Width,
            Height = image.Height,
            Widths = string.Join(',', image.Variants.Select(v => v.Width.ToString(CultureInfo.InvariantCulture))),
            Bytes = image.Variants.Sum(v => (long)v.Bytes.Length),
            Alt = description,
            OriginalName = CleanName(originalName),
            UploadedById = uploadedById,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await WriteAsync(item, image, cancellationToken);
        LogStored(item.Id, item.Width, item.Height, image.Variants.Count);
        return MediaUploadResult.Ok(item);
    }

    /// <summary>
    /// Deletes an image's row and files. Refused (<see cref="MediaError.InUse"/>) while a post uses it as its cover:
    /// the post would keep pointing at a file that is gone, and a design cannot be published without its image.
    /// </summary>
    public async Task<MediaError> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var item = await FindAsync(id, cancellationToken);
        if (item is null)
        {
            return MediaError.NotFound;
        }

        var prefix = $"/media/{item.Key}-";
        if (await db.Posts.AnyAsync(p => p.CoverMediaId == id || (p.CoverImageUrl != null && p.CoverImageUrl.StartsWith(prefix)), cancellationToken))
        {
            return MediaError.InUse;
        }

        db.Media.Remove(item);
        await db.SaveChangesAsync(cancellationToken);
        // The row is gone, so nothing links to the files any more; one that cannot be deleted now is only wasted space.
        foreach (var width in item.WidthList)
        {
            DeleteQuietly(Path.Combine(Folder, FileName(item.Key, width, item.Extension)));
        }

        LogDeleted(id);
        return MediaError.None;
    }

    /// <summary>The upload's bytes, or null once it passes <see cref="MaxUploadBytes"/> (the rest is never read).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxUploadBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Each variant goes to a temporary file in the media folder, flushed to disk, then renamed into place (atomic on
    /// one file system), so a reader or a crash never sees half a file; the row is written last. If anything fails,
    /// every file written so far is removed before the error goes on.
    /// </summary>
    private async Task WriteAsync(MediaItem item, EncodedImage image, CancellationToken cancellationToken)
    {
        var folder = Folder;
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        try
        {
            foreach (var variant in image.Variants)
            {
                var final = Path.Combine(folder, FileName(item.Key, variant.Width, item.Extension));
                // A leading dot and no image extension: the serving route's pattern can never match a temporary file.
                var temporary = Path.Combine(folder, $".{item.Key}-{variant.Width.ToString(CultureInfo.InvariantCulture)}.tmp");
                written.Add(temporary);
                await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    await file.WriteAsync(variant.Bytes, cancellationToken);
                    file.Flush(flushToDisk: true);
                }

                written.Add(final);
                File.Move(temporary, final, overwrite: false);
            }

            db.Media.Add(item);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            db.Entry(item).State = EntityState.Detached;
            foreach (var path in written)
            {
                DeleteQuietly(path);
            }

            throw;
        }
    }

    private void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogFileNotDeleted(Path.GetFileName(path), e.Message);
        }
    }

    /// <summary>The last segment of what the uploader sent, without control or direction-override characters, at most <see cref="MaxOriginalNameLength"/> long.</summary>
    internal static string? CleanName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var last = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new StringBuilder(last.Length);
        foreach (var c in last)
        {
            // U+202A–202E and U+2066–2069 can make "gpj.exe" read as "exe.jpg"; controls have no place in a label.
            if (!char.IsControl(c) && c is not (>= '\u202A' and <= '\u202E') and not (>= '\u2066' and <= '\u2069'))
            {
                clean.Append(c);
            }
        }

        var text = clean.ToString().Trim();
        if (text.Length > MaxOriginalNameLength)
        {
            var cut = char.IsHighSurrogate(text[MaxOriginalNameLength - 1]) ? MaxOriginalNameLength - 1 : MaxOriginalNameLength;
            text = text[..cut];
        }

        return text.Length > 0 ? text : null;
    }

    // \z, not $: a name ending in a line break must not pass.
    [GeneratedRegex(@"\A[0-9a-f]{32}-[0-9]{2,5}\.(?:jpg|png|webp)\z", RegexOptions.CultureInvariant)]
    private static partial Regex VariantFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Media {MediaId} stored: {Width}x{Height} in {Variants} variants")]
    private partial void LogStored(int mediaId, int width, int height, int variants);

    [LoggerMessage(Level = LogLevel.Information, Message = "An upload was refused: {Reason}")]
    private partial void LogRefused(MediaError reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media {MediaId} deleted")]
    private partial void LogDeleted(int mediaId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The media file {File} could not be deleted: {Detail}")]
    private partial void LogFileNotDeleted(string file, string detail);
}
