using System.Net;
using System.Text.RegularExpressions;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// Every form of the admin, found from the route table itself (so a form added later is covered too), refuses a
/// request without its antiforgery token, even from the owner.
/// </summary>
public sealed partial class AdminFormTokenTests
{
    [Fact]
    public async Task No_admin_form_accepts_a_post_without_its_token()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: true);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        var patterns = site.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin", StringComparison.Ordinal) == true
                && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText!)
            .Distinct()
            .ToList();

        // The forms there are today, at least: a new one is picked up without editing this list.
        Assert.True(patterns.Count >= 25, $"only {patterns.Count} admin forms found: {string.Join(", ", patterns)}");
        foreach (var pattern in patterns)
        {
            var path = Parameter().Replace(pattern, m => m.Groups[1].Value.Contains(':', StringComparison.Ordinal) ? "1" : "x");
            using var response = await owner.PostFormAsync(path, [KeyValuePair.Create("name", "value")], withToken: false);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without its token answered {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();
}
