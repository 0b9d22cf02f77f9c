using System.Text;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Publishing.Media;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Broadsheet.Tests.Publishing;

/// <summary>The image library on a real database and data folder, with images drawn by Skia in the test.</summary>
public sealed class MediaLibraryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<MediaUploadResult> StoreAsync(TestServices services, byte[] bytes, string alt = "A test image", string? name = "photo.jpg", int? uploadedById = null) =>
        services.InScopeAsync(async sp =>
        {
            using var content = new MemoryStream(bytes);
            return await sp.GetRequiredService<MediaLibrary>().StoreAsync(content, name, alt, uploadedById, Ct);
        });

    private static Task<int> RowsAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Media.CountAsync(Ct));

    private static string MediaFolder(TestServices services) => Path.Combine(services.Environment.DataDirectory, MediaLibrary.FolderName);

    /// <summary>Every file under the data folder other than the database's own.</summary>
    private static string[] WrittenFiles(TestServices services) =>
        Directory.GetFiles(services.Environment.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("broadsheet.db", StringComparison.Ordinal) && !f.EndsWith(".key", StringComparison.Ordinal))
            .ToArray();

    private static string VariantPath(TestServices services, MediaItem item, int width) =>
        Path.Combine(MediaFolder(services), MediaLibrary.FileName(item.Key, width, item.Extension));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_wide_photo_becomes_three_jpeg_variants_with_its_aspect_and_one_row(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var result = await StoreAsync(services, MediaImages.Jpeg(2000, 1000), "  A market street at dusk  ", "dusk.jpg");

        Assert.True(result.Succeeded, result.Error.ToString());
        var item = result.Item!;
        Assert.Matches("^[0-9a-f]{32}$", item.Key);
        Assert.Equal("jpg", item.Extension);
        Assert.Equal((2000, 1000), (item.Width, item.Height));
        Assert.Equal("480,960,1600", item.Widths);
        Assert.Equal("A market street at dusk", item.Alt);
        Assert.Equal("dusk.jpg", item.OriginalName);
        Assert.Equal(new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc), item.CreatedAt);

        long total = 0;
        foreach (var (width, height) in new[] { (480, 240), (960, 480), (1600, 800) })
        {
            var bytes = await File.ReadAllBytesAsync(VariantPath(services, item, width), Ct);
            total += bytes.Length;
            using var codec = SKCodec.Create(SKData.CreateCopy(bytes));
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
            Assert.Equal((width, height), (codec.Info.Width, codec.Info.Height));
        }

        Assert.Equal(total, item.Bytes);
        Assert.Equal(3, WrittenFiles(services).Length);
        var stored = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Media.SingleAsync(Ct));
        Assert.Equal(item.Key, stored.Key);
        Assert.Equal([480, 960, 1600], stored.WidthList);
    }

    [Fact]
    public async Task A_small_image_is_never_enlarged_and_a_narrow_one_keeps_its_own_width()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var small = (await StoreAsync(services, MediaImages.Jpeg(300, 200))).Item!;
        var middle = (await StoreAsync(services, MediaImages.Jpeg(1200, 600))).Item!;

        Assert.Equal("300", small.Widths);
        Assert.Equal("480,960,1200", middle.Widths);
        Assert.Equal([480, 960, 1600], ImageVariantEncoder.WidthsFor(1600));
        Assert.Equal([480], ImageVariantEncoder.WidthsFor(480));
    }

    [Fact]
    public async Task A_png_with_transparency_stays_png_with_its_alpha_and_an_opaque_one_becomes_jpeg()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var transparent = (await StoreAsync(services, MediaImages.TransparentPng(64, 64), name: "logo.png")).Item!;
        var opaque = (await StoreAsync(services, MediaImages.Png(640, 320), name: "chart.png")).Item!;

        Assert.Equal(("png", "64"), (transparent.Extension, transparent.Widths));
        using (var bitmap = SKBitmap.Decode(VariantPath(services, transparent, 64)))
        {
            Assert.Equal(0, bitmap.GetPixel(1, 1).Alpha); // the corner stays see-through
            Assert.Equal(255, bitmap.GetPixel(32, 32).Alpha);
        }

        Assert.Equal(("jpg", "480,640"), (opaque.Extension, opaque.Widths));
    }

    [Fact]
    public async Task A_gif_gives_its_first_frame_as_png_when_transparent_and_jpeg_when_not()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var opaque = (await StoreAsync(services, MediaImages.Gif(40, 20, transparentCorner: false), name: "bars.gif")).Item!;
        var transparent = (await StoreAsync(services, MediaImages.Gif(40, 20, transparentCorner: true), name: "icon.gif")).Item!;

        Assert.Equal(("jpg", 40, 20), (opaque.Extension, opaque.Width, opaque.Height));
        Assert.Equal(("png", "40"), (transparent.Extension, transparent.Widths));
        using var bitmap = SKBitmap.Decode(VariantPath(services, transparent, 40));
        Assert.Equal(0, bitmap.GetPixel(2, 2).Alpha);
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(5, 15));
        Assert.Equal(new SKColor(0, 0, 255), bitmap.GetPixel(35, 5));
    }

    [Fact]
    public async Task A_webp_stays_webp()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var item = (await StoreAsync(services, MediaImages.Webp(1000, 500), name: "map.webp")).Item!;

        Assert.Equal(("webp", "480,960,1000"), (item.Extension, item.Widths));
        using var codec = SKCodec.Create(VariantPath(services, item, 480));
        Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
        Assert.Equal((480, 240), (codec.Info.Width, codec.Info.Height));
    }

    [Fact]
    public async Task An_exif_rotated_photo_comes_out_upright_and_without_its_exif()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        // Stored 200x100 (red left, blue right) with orientation 6: seen upright it is 100x200, red on top.
        var upload = MediaImages.WithExifOrientation(MediaImages.Jpeg(200, 100, halves: true), 6);
        using (var check = SKCodec.Create(SKData.CreateCopy(upload)))
        {
            Assert.Equal(SKEncodedOrigin.RightTop, check.EncodedOrigin); // the test image really carries the tag
        }

        var item = (await StoreAsync(services, upload)).Item!;

        Assert.Equal((100, 200, "100"), (item.Width, item.Height, item.Widths));
        var bytes = await File.ReadAllBytesAsync(VariantPath(services, item, 100), Ct);
        Assert.DoesNotContain("Exif", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        using var codec = SKCodec.Create(SKData.CreateCopy(bytes));
        Assert.Equal(SKEncodedOrigin.TopLeft, codec.EncodedOrigin);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((100, 200), (bitmap.Width, bitmap.Height));
        var top = bitmap.GetPixel(50, 30);
        var bottom = bitmap.GetPixel(50, 170);
        Assert.True(top.Red > 200 && top.Blue < 60, $"The top should be red, not {top}.");
        Assert.True(bottom.Blue > 200 && bottom.Red < 60, $"The bottom should be blue, not {bottom}.");
    }

    [Fact]
    public async Task Anything_that_is_not_an_image_by_its_content_is_refused_whatever_its_name()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var text = Encoding.UTF8.GetBytes("<?php echo 'not a picture'; ?>\n");
        var bmp = MediaImages.Bmp();
        // A real JPEG signature with garbage behind it: the signature alone is not enough.
        var fake = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.Concat(Encoding.ASCII.GetBytes(new string('x', 500))).ToArray();

        Assert.Equal(MediaError.NotAnImage, (await StoreAsync(services, text, name: "cat.jpg")).Error);
        Assert.Equal(MediaError.NotAnImage, (await StoreAsync(services, bmp, name: "scan.png")).Error);
        Assert.Equal(MediaError.NotAnImage, (await StoreAsync(services, fake, name: "fake.jpg")).Error);
        Assert.Equal(MediaError.Empty, (await StoreAsync(services, [], name: "empty.jpg")).Error);
        var truncated = MediaImages.Jpeg(800, 600);
        Assert.Equal(MediaError.Unreadable, (await StoreAsync(services, truncated[..(truncated.Length / 3)])).Error);
        Assert.Equal(MediaError.TooSmall, (await StoreAsync(services, MediaImages.Jpeg(8, 200))).Error);
        Assert.Equal(0, await RowsAsync(services));
        Assert.Empty(WrittenFiles(services));
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header_before_decoding()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        // A real 16x16 PNG whose header claims 30000x30000 (900 megapixels, 3.6 GB decoded) in a few hundred bytes.
        var bomb = MediaImages.WithPngSize(MediaImages.Png(16, 16), 30_000, 30_000);
        var tall = MediaImages.WithPngSize(MediaImages.Png(16, 16), 100, 12_001);
        using (var codec = SKCodec.Create(SKData.CreateCopy(bomb)))
        {
            Assert.Equal((30_000, 30_000), (codec.Info.Width, codec.Info.Height)); // Skia believes the header
        }

        Assert.True(bomb.Length < 1000);
        Assert.Equal(MediaError.TooManyPixels, (await StoreAsync(services, bomb, name: "bomb.png")).Error);
        Assert.Equal(MediaError.TooManyPixels, (await StoreAsync(services, tall, name: "tall.png")).Error);
        Assert.Equal(0, await RowsAsync(services));
        Assert.Empty(WrittenFiles(services));
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_refused_without_reading_all_of_it()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var jpeg = MediaImages.Jpeg(400, 300);
        var huge = new byte[MediaLibrary.MaxUploadBytes + 10 * 1024 * 1024];
        jpeg.CopyTo(huge, 0);
        using var content = new MemoryStream(huge);

        var result = await services.InScopeAsync(sp => sp.GetRequiredService<MediaLibrary>().StoreAsync(content, "huge.jpg", "Too big", null, Ct));

        Assert.Equal(MediaError.TooLarge, result.Error);
        Assert.True(content.Position <= MediaLibrary.MaxUploadBytes + 128 * 1024, $"Read {content.Position} bytes.");
        var exactly = new byte[MediaLibrary.MaxUploadBytes + 1];
        jpeg.CopyTo(exactly, 0);
        Assert.Equal(MediaError.TooLarge, (await StoreAsync(services, exactly)).Error);
        Assert.Equal(0, await RowsAsync(services));
        Assert.Empty(WrittenFiles(services));
    }

    [Fact]
    public async Task Alt_text_is_required_and_limited()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var jpeg = MediaImages.Jpeg(400, 300);

        Assert.Equal(MediaError.AltRequired, (await StoreAsync(services, jpeg, alt: "")).Error);
        Assert.Equal(MediaError.AltRequired, (await StoreAsync(services, jpeg, alt: "   \n ")).Error);
        Assert.Equal(MediaError.AltTooLong, (await StoreAsync(services, jpeg, alt: new string('a', MediaLibrary.MaxAltLength + 1))).Error);
        Assert.Equal(0, await RowsAsync(services));
        Assert.Empty(WrittenFiles(services));
        Assert.True((await StoreAsync(services, jpeg, alt: "ص" + new string('a', MediaLibrary.MaxAltLength - 1))).Succeeded);
    }

    [Fact]
    public async Task The_uploaded_file_name_never_decides_where_anything_is_written()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var data = services.Environment.DataDirectory;
        var names = new[] { "../../evil.jpg", "..\\..\\evil.jpg", "/etc/evil.jpg", "media/../../evil.jpg", "\u202Egpj.exe", "evil\0.jpg" };
        var items = new List<MediaItem>();
        foreach (var name in names)
        {
            items.Add((await StoreAsync(services, MediaImages.Jpeg(500, 250), name: name)).Item!);
        }

        Assert.Equal(["evil.jpg", "evil.jpg", "evil.jpg", "evil.jpg", "gpj.exe", "evil.jpg"], items.Select(i => i.OriginalName));
        Assert.All(WrittenFiles(services), f =>
        {
            Assert.Equal(MediaFolder(services), Path.GetDirectoryName(f));
            Assert.True(MediaLibrary.IsVariantFileName(Path.GetFileName(f)), f);
        });
        Assert.Equal(items.Sum(i => i.WidthList.Count), WrittenFiles(services).Length);
        foreach (var place in new[] { Path.Combine(data, "..", "evil.jpg"), Path.Combine(data, "evil.jpg"), Path.Combine(data, "..", "..", "evil.jpg"), "/etc/evil.jpg" })
        {
            Assert.False(File.Exists(place), place);
        }

        Assert.Null(MediaLibrary.CleanName("   "));
        Assert.Equal(MediaLibrary.MaxOriginalNameLength, MediaLibrary.CleanName(new string('x', 300) + ".jpg")!.Length);
    }

    [Fact]
    public async Task A_failure_after_the_files_were_written_leaves_no_row_and_no_file()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);

        // No staff member 424242: the row's foreign key fails after every variant is already on disk.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => StoreAsync(services, MediaImages.Jpeg(2000, 1000), uploadedById: 424242));

        Assert.Equal(0, await RowsAsync(services));
        Assert.Empty(WrittenFiles(services));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Delete_removes_the_row_and_files_but_not_while_a_post_uses_the_image(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var used = (await StoreAsync(services, MediaImages.Jpeg(1000, 500))).Item!;
        var spare = (await StoreAsync(services, MediaImages.Jpeg(1000, 500))).Item!;
        await services.InScopeAsync(sp => sp.GetRequiredService<PostService>().CreateAsync(new PostInput
        {
            Kind = PostKind.Design,
            Language = "en",
            Title = "The river in one picture",
            Lede = "A lede.",
            BodyMarkdown = "Body.",
            Status = PostStatus.Draft,
            CoverImageUrl = used.UrlFor(1000),
            CoverImageAlt = used.Alt,
        }, Ct));

        Task<MediaError> DeleteAsync(int id) => services.InScopeAsync(sp => sp.GetRequiredService<MediaLibrary>().DeleteAsync(id, Ct));

        Assert.Equal(MediaError.InUse, await DeleteAsync(used.Id));
        Assert.True(File.Exists(VariantPath(services, used, 480)));
        Assert.Equal(MediaError.None, await DeleteAsync(spare.Id));
        Assert.Equal(MediaError.NotFound, await DeleteAsync(spare.Id));
        Assert.False(File.Exists(VariantPath(services, spare, 480)));
        Assert.Equal(1, await RowsAsync(services));
        Assert.Equal(3, WrittenFiles(services).Length);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef-480.jpg", true)]
    [InlineData("0123456789abcdef0123456789abcdef-1600.webp", true)]
    [InlineData("0123456789abcdef0123456789abcdef-64.png", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF-480.jpg", false)]
    [InlineData("0123456789abcdef0123456789abcdef-480.jpg\n", false)]
    [InlineData("0123456789abcdef0123456789abcdef-480.gif", false)]
    [InlineData("0123456789abcdef0123456789abcdef-4.jpg", false)]
    [InlineData("0123456789abcdef0123456789abcdef-١٦٠٠.jpg", false)]
    [InlineData(".0123456789abcdef0123456789abcdef-480.tmp", false)]
    [InlineData("../0123456789abcdef0123456789abcdef-480.jpg", false)]
    [InlineData("", false)]
    public void Only_names_the_library_writes_are_variant_names(string name, bool expected) =>
        Assert.Equal(expected, MediaLibrary.IsVariantFileName(name));
}

/// <summary>Test images drawn with Skia (no binary fixtures), and the byte surgery that makes the awkward ones.</summary>
public static class MediaImages
{
    public static byte[] Jpeg(int width, int height, bool halves = false) => Encode(Draw(width, height, halves), SKEncodedImageFormat.Jpeg, 90);

    public static byte[] Png(int width, int height) => Encode(Draw(width, height, halves: false), SKEncodedImageFormat.Png, 100);

    public static byte[] Webp(int width, int height) => Encode(Draw(width, height, halves: false), SKEncodedImageFormat.Webp, 90);

    /// <summary>A filled circle on a fully transparent square.</summary>
    public static byte[] TransparentPng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { Color = SKColors.DarkGreen, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }

        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>
    /// A GIF (Skia has no GIF encoder, so it is written here): left half red, right half blue, and with
    /// <paramref name="transparentCorner"/> a see-through top-left quarter. The LZW data sends a clear code every two
    /// pixels, so the code width never grows: valid, if not small.
    /// </summary>
    public static byte[] Gif(int width, int height, bool transparentCorner)
    {
        var bytes = new List<byte>();
        bytes.AddRange("GIF89a"u8.ToArray());
        bytes.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0xF1, 0, 0]);
        bytes.AddRange([0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]); // palette: (transparent) black, red, blue, white
        if (transparentCorner)
        {
            bytes.AddRange([0x21, 0xF9, 0x04, 0x01, 0, 0, 0, 0]); // graphic control: index 0 is transparent
        }

        bytes.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 2]);
        var codes = new List<int>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if ((y * width + x) % 2 == 0)
                {
                    codes.Add(4); // clear
                }

                codes.Add(transparentCorner && x < width / 2 && y < height / 2 ? 0 : x < width / 2 ? 1 : 2);
            }
        }

        codes.Add(5); // end of information
        var packed = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                packed.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            packed.Add((byte)buffer);
        }

        foreach (var block in packed.Chunk(255))
        {
            bytes.Add((byte)block.Length);
            bytes.AddRange(block);
        }

        bytes.AddRange([0, 0x3B]);
        return [.. bytes];
    }

    /// <summary>A minimal 16x16 24-bit BMP: an image Skia can read, but not one of the formats we take.</summary>
    public static byte[] Bmp()
    {
        const int side = 16, row = side * 3, size = 54 + row * side;
        var bytes = new byte[size];
        "BM"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(2), size);
        BitConverter.TryWriteBytes(bytes.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bytes.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bytes.AsSpan(18), side);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), side);
        BitConverter.TryWriteBytes(bytes.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), (short)24);
        Array.Fill(bytes, (byte)0x80, 54, row * side);
        return bytes;
    }

    /// <summary>Inserts an EXIF block (APP1, big-endian TIFF, one Orientation entry) right after the JPEG's start marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // header, first IFD at 8
            0x00, 0x01, // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00, // Orientation, SHORT, 1
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>Rewrites a PNG's IHDR width and height (and its checksum), so a tiny file claims a huge picture.</summary>
    public static byte[] WithPngSize(byte[] png, int width, int height)
    {
        var copy = png.ToArray();
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height, big-endian; the CRC covers type and data.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    private static SKBitmap Draw(int width, int height, bool halves)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        if (halves)
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(0, 0, width / 2f, height, red);
            canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        }
        else
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.SteelBlue, SKColors.Orange], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, width, height, paint);
        }

        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        {
            using var data = bitmap.Encode(format, quality);
            return data.ToArray();
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
