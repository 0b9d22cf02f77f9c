using System.Net;
using System.Text.RegularExpressions;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// Every admin page and form that needs more than a signed-in colleague, found from the route table (so a new one is
/// covered too), answers 403 to every role below it, for GET and for a POST with a valid token.
/// </summary>
public sealed partial class AdminRoleSweepTests
{
    [Theory]
    [InlineData(AdminAuth.NewslettersPolicy, new[] { StaffRole.Contributor, StaffRole.Author })]
    [InlineData(AdminAuth.ManagersPolicy, new[] { StaffRole.Contributor, StaffRole.Author, StaffRole.Editor })]
    public async Task Each_role_below_a_policy_gets_403_everywhere_it_guards(string policy, StaffRole[] refused)
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: true);
        using var _ = await AdminClient.SignInAsync(site, StaffRole.Owner);
        var guarded = site.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin", StringComparison.Ordinal) == true
                && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == policy))
            .Select(e => (Pattern: e.RoutePattern.RawText!, Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []))
            .ToList();
        Assert.True(guarded.Count >= 5, $"only {guarded.Count} endpoints under {policy}");

        foreach (var role in refused)
        {
            using var client = await AdminClient.SignInAsync(site, role);
            foreach (var (pattern, methods) in guarded)
            {
                var path = Parameter().Replace(pattern, m => m.Groups[1].Value.Contains(':', StringComparison.Ordinal) ? "1" : "x");
                if (methods.Contains("GET"))
                {
                    using var page = await client.GetAsync(path);
                    Assert.True(page.StatusCode == HttpStatusCode.Forbidden, $"{role}: GET {path} answered {(int)page.StatusCode}");
                }

                if (methods.Contains("POST"))
                {
                    using var form = await client.PostFormAsync(path, [KeyValuePair.Create("name", "value")]);
                    Assert.True(form.StatusCode == HttpStatusCode.Forbidden, $"{role}: POST {path} answered {(int)form.StatusCode}");
                }
            }
        }
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();
}
