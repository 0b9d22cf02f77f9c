using System.Net;
using System.Text.RegularExpressions;

namespace Broadsheet.Tests.TestKit;

/// <summary>Small readers for the bits of a page the tests look at.</summary>
public static partial class Html
{
    public static async Task<(HttpStatusCode Status, string Body)> FetchAsync(this HttpClient client, string path, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public static string? Attribute(string html, string tagPattern, string attribute)
    {
        var tag = Regex.Match(html, tagPattern, RegexOptions.IgnoreCase);
        if (!tag.Success)
        {
            return null;
        }

        var value = Regex.Match(tag.Value, attribute + "=\"([^\"]*)\"", RegexOptions.IgnoreCase);
        return value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : null;
    }

    public static string? Meta(string html, string property) =>
        Attribute(html, $"<meta (?:property|name)=\"{Regex.Escape(property)}\"[^>]*>", "content");

    public static string? JsonLd(string html)
    {
        var match = JsonLdPattern().Match(html);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex JsonLdPattern();
}
