using Broadsheet.Publishing;

namespace Broadsheet.Tests.Publishing;

public sealed class MarkdownRendererTests
{
    public static TheoryData<string> Payloads => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "[click](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<object data=\"x\"></object><embed src=\"x\">",
        "<form action=\"https://evil.example\"><input name=a></form>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Dangerous_html_is_removed(string payload)
    {
        var html = new MarkdownRenderer().ToHtml("Before.\n\n" + payload + "\n\nAfter.");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<object", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<embed", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("![chart](https://tracker.example/pixel.gif)")]
    [InlineData("<img src=\"//cdn.example/x.png\">")]
    [InlineData("<img src=\"http://cdn.example/x.png\">")]
    [InlineData("<video src=\"https://cdn.example/v.mp4\"></video>")]
    public void Media_from_other_sites_is_dropped_so_pages_make_no_third_party_request(string markdown)
    {
        var html = new MarkdownRenderer().ToHtml(markdown);
        Assert.DoesNotContain("example", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_from_this_site_stays()
    {
        var html = new MarkdownRenderer().ToHtml("![A chart of rents](/media/rents.png)");
        Assert.Contains("<img src=\"/media/rents.png\" alt=\"A chart of rents\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_markdown_survives()
    {
        var html = new MarkdownRenderer().ToHtml("## Heading\n\n- one\n- two\n\n> quoted\n\n[link](https://example.org)");
        Assert.Contains("<h2", html, StringComparison.Ordinal);
        Assert.Contains("<li>two</li>", html, StringComparison.Ordinal);
        Assert.Contains("<blockquote>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org\"", html, StringComparison.Ordinal);
    }
}
