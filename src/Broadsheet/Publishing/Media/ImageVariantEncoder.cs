using SkiaSharp;

namespace Broadsheet.Publishing.Media;

/// <summary>
/// Turns uploaded bytes into responsive variants with Skia: the format is decided by the content's signature, the size
/// by the header before a single pixel is decoded, and every variant is drawn afresh and re-encoded, so no metadata
/// (EXIF with its camera and location, comments, foreign colour profiles) survives into a public file.
/// </summary>
internal static class ImageVariantEncoder
{
    /// <summary>The widths a page's srcset offers; an original narrower than one of them is never enlarged to it.</summary>
    public static readonly IReadOnlyList<int> StandardWidths = [480, 960, 1600];

    /// <summary>Photos: the quality at which JPEG artefacts stop showing on a screen while the file stays small.</summary>
    public const int JpegQuality = 82;

    public const int WebpQuality = 82;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Mitchell is Skia's own choice for a high-quality final pass: sharp without the ringing of Catmull-Rom.
    private static readonly SKSamplingOptions FinalPass = new(SKCubicResampler.Mitchell);

    // A bilinear sample at exactly half the size averages each 2x2 block: a box filter, so big reductions do not alias.
    private static readonly SKSamplingOptions HalvingPass = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>Checks and re-encodes <paramref name="upload"/>; on refusal <paramref name="image"/> is null.</summary>
    public static MediaError TryEncode(byte[] upload, int maxPixels, int maxSide, int minWidth, out EncodedImage? image)
    {
        image = null;
        if (Sniff(upload) is not { } declared)
        {
            return MediaError.NotAnImage;
        }

        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        // The signature and Skia's own reading must agree, so a file cannot pass as one format and be parsed as another.
        if (codec is null || codec.EncodedFormat != declared)
        {
            return MediaError.NotAnImage;
        }

        // Only the header has been read so far: a decompression bomb is refused here, before any memory is taken for it.
        var header = codec.Info;
        if (header.Width <= 0 || header.Height <= 0 || header.Width > maxSide || header.Height > maxSide
            || (long)header.Width * header.Height > maxPixels)
        {
            return MediaError.TooManyPixels;
        }

        var origin = codec.EncodedOrigin;
        var sideways = Swaps(origin);
        var (width, height) = sideways ? (header.Height, header.Width) : (header.Width, header.Height);
        if (width < minWidth)
        {
            return MediaError.TooSmall;
        }

        using var decoded = Decode(codec, header);
        if (decoded is null)
        {
            return MediaError.Unreadable;
        }

        var (format, extension) = OutputFormat(declared, decoded);
        var variants = new List<EncodedVariant>();
        foreach (var target in WidthsFor(width))
        {
            var targetHeight = Math.Max(1, (int)Math.Round((double)height * target / width));
            // Scaled in the file's own orientation, then turned upright: turning the small copy costs less than the original.
            using var scaled = Scale(decoded, sideways ? targetHeight : target, sideways ? target : targetHeight);
            using var turned = Turn(scaled, origin);
            var upright = turned ?? scaled;
            variants.Add(new EncodedVariant(upright.Width, upright.Height, Encode(upright, format)));
        }

        image = new EncodedImage(width, height, extension, variants);
        return MediaError.None;
    }

    /// <summary>The variant widths for an upright original <paramref name="width"/> wide: the standard ones below it, and the original's own width up to the largest.</summary>
    public static IReadOnlyList<int> WidthsFor(int width) =>
        StandardWidths.Where(w => w < width).Append(Math.Min(width, StandardWidths[^1])).Distinct().Order().ToList();

    /// <summary>The format the content says it is, from its first bytes only; anything else is not an image we take.</summary>
    internal static SKEncodedImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return SKEncodedImageFormat.Jpeg;
        }

        if (bytes.StartsWith(PngSignature))
        {
            return SKEncodedImageFormat.Png;
        }

        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return SKEncodedImageFormat.Webp;
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return SKEncodedImageFormat.Gif;
        }

        return null;
    }

    /// <summary>Decodes the first frame as 8-bit sRGB (so browsers show the colours the camera meant); null if the data is damaged or cut short.</summary>
    private static SKBitmap? Decode(SKCodec codec, SKImageInfo header)
    {
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888,
            header.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            return null;
        }

        var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(0));
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>
    /// A transparent PNG or GIF stays PNG (JPEG has no alpha); WebP stays WebP, which keeps alpha and compresses
    /// photos well; everything else becomes JPEG.
    /// </summary>
    private static (SKEncodedImageFormat Format, string Extension) OutputFormat(SKEncodedImageFormat declared, SKBitmap decoded) =>
        declared switch
        {
            SKEncodedImageFormat.Webp => (SKEncodedImageFormat.Webp, "webp"),
            SKEncodedImageFormat.Png or SKEncodedImageFormat.Gif when UsesTransparency(decoded) => (SKEncodedImageFormat.Png, "png"),
            _ => (SKEncodedImageFormat.Jpeg, "jpg"),
        };

    /// <summary>Whether any pixel is less than fully opaque: many PNGs carry an alpha channel they never use.</summary>
    private static bool UsesTransparency(SKBitmap bitmap)
    {
        if (bitmap.AlphaType == SKAlphaType.Opaque)
        {
            return false;
        }

        var pixels = bitmap.GetPixelSpan();
        for (var i = 3; i < pixels.Length; i += 4)
        {
            if (pixels[i] != 0xFF)
            {
                return true;
            }
        }

        return false;
    }

    private static SKBitmap Scale(SKBitmap source, int width, int height)
    {
        var current = source;
        try
        {
            while (current.Width >= width * 2 && current.Height >= height * 2)
            {
                var half = Resize(current, (current.Width + 1) / 2, (current.Height + 1) / 2, HalvingPass);
                if (!ReferenceEquals(current, source))
                {
                    current.Dispose();
                }

                current = half;
            }

            return Resize(current, width, height, FinalPass);
        }
        finally
        {
            if (!ReferenceEquals(current, source))
            {
                current.Dispose();
            }
        }
    }

    private static SKBitmap Resize(SKBitmap source, int width, int height, SKSamplingOptions sampling)
    {
        var target = new SKBitmap(source.Info.WithSize(width, height));
        if (!source.ScalePixels(target, sampling))
        {
            target.Dispose();
            throw new InvalidOperationException("Skia could not scale the image.");
        }

        return target;
    }

    /// <summary>Whether the stored pixels lie on their side (EXIF orientations 5 to 8).</summary>
    private static bool Swaps(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Draws the pixels the way the camera's EXIF orientation says they should be seen; null when they already are.</summary>
    private static SKBitmap? Turn(SKBitmap source, SKEncodedOrigin origin)
    {
        var (w, h) = (source.Width, source.Height);
        // Each matrix sends a stored pixel to where it belongs upright: x' = ScaleX*x + SkewX*y + TransX, y' = SkewY*x + ScaleY*y + TransY.
        SKMatrix? matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => null,
        };
        if (matrix is not { } transform)
        {
            return null;
        }

        var result = new SKBitmap(Swaps(origin) ? source.Info.WithSize(h, w) : source.Info);
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(transform);
        // Whole-pixel turns and flips: nearest sampling moves pixels without blurring them.
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        canvas.Flush();
        return result;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = format switch
        {
            SKEncodedImageFormat.Png => pixmap.Encode(SKPngEncoderOptions.Default),
            SKEncodedImageFormat.Webp => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, WebpQuality)),
            // Alpha is dropped, not blended on black: an opaque image's alpha channel is all 255 anyway.
            _ => pixmap.Encode(new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
        };
        return data?.ToArray() ?? throw new InvalidOperationException($"Skia could not encode the image as {format}.");
    }
}
