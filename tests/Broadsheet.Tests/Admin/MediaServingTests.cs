using System.Net;
using System.Net.Sockets;
using System.Text;
using Broadsheet.Publishing;
using Broadsheet.Publishing.Media;
using Broadsheet.Tests.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>GET /media/{file}: only the library's own names, from the media folder, cached for good; nothing else is reachable.</summary>
public sealed class MediaServingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<MediaItem> StoreAsync(TestSite site, byte[] image)
    {
        await using var scope = site.Services.CreateAsyncScope();
        using var content = new MemoryStream(image);
        var result = await scope.ServiceProvider.GetRequiredService<MediaLibrary>().StoreAsync(content, "x", "An image", null, Ct);
        return result.Item ?? throw new InvalidOperationException(result.Error.ToString());
    }

    /// <summary>A request line sent as typed, so no client library tidies "../" or percent-escapes away first.</summary>
    private static async Task<(int Status, string Response)> RawGetAsync(TestSite site, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, site.BaseAddress.Port, Ct);
        await using var stream = tcp.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{site.BaseAddress.Port}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync(Ct);
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }

    [Fact]
    public async Task A_variant_is_served_with_its_type_and_cached_for_a_year()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var jpeg = await StoreAsync(site, MediaImages.Jpeg(800, 400));
        var png = await StoreAsync(site, MediaImages.TransparentPng(64, 64));
        var webp = await StoreAsync(site, MediaImages.Webp(500, 250));

        foreach (var (url, type) in new[] { (jpeg.UrlFor(480), "image/jpeg"), (png.UrlFor(64), "image/png"), (webp.UrlFor(500), "image/webp") })
        {
            using var response = await site.Client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            var body = await response.Content.ReadAsByteArrayAsync(Ct);
            var onDisk = await File.ReadAllBytesAsync(Path.Combine(site.Environment.DataDirectory, "media", url["/media/".Length..]), Ct);
            Assert.Equal(onDisk, body);
        }

        using var head = new HttpRequestMessage(HttpMethod.Head, jpeg.UrlFor(800));
        using var headResponse = await site.Client.SendAsync(head, Ct);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
    }

    [Fact]
    public async Task Any_other_name_is_not_found_and_nothing_outside_the_media_folder_is_reachable()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var item = await StoreAsync(site, MediaImages.Jpeg(800, 400));
        var media = Path.Combine(site.Environment.DataDirectory, "media");
        // Files that exist, but not under names the library writes.
        await File.WriteAllTextAsync(Path.Combine(media, "notes.txt"), "private", Ct);
        await File.WriteAllTextAsync(Path.Combine(media, $".{item.Key}-480.tmp"), "half", Ct);
        await File.WriteAllTextAsync(Path.Combine(site.Environment.DataDirectory, "secret.jpg"), "secret", Ct);
        var other = new string('a', 32);

        var paths = new[]
        {
            "/media/notes.txt",
            $"/media/.{item.Key}-480.tmp",
            $"/media/{item.Key}-481.jpg", // a width that was never made
            $"/media/{item.Key}-480.png", // the wrong extension
            $"/media/{item.Key.ToUpperInvariant()}-480.jpg",
            $"/media/{other}-480.jpg", // a key that does not exist
            $"/media/{item.Key}-480.jpg%0A",
            "/media/secret.jpg",
            "/media/..%2Fsecret.jpg",
            "/media/..%2F..%2Fmedia%2Fnotes.txt",
            "/media/%2e%2e%2fsecret.jpg",
            "/media/..%5Csecret.jpg",
            "/media/%252e%252e%252fsecret.jpg",
            "/media/../secret.jpg",
            "/media/../../etc/passwd",
            "/media/",
        };
        foreach (var path in paths)
        {
            var (status, response) = await RawGetAsync(site, path);
            Assert.True(status == 404 || status == 400, $"{path} answered {status}.");
            Assert.DoesNotContain("secret", response, StringComparison.Ordinal);
            Assert.DoesNotContain("private", response, StringComparison.Ordinal);
        }

        var (ok, _) = await RawGetAsync(site, item.UrlFor(480));
        Assert.Equal(200, ok);
    }
}
