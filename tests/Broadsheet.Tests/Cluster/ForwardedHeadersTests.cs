using System.Net;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web;
using Microsoft.Extensions.Configuration;

namespace Broadsheet.Tests.Cluster;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address: the rate limits must see the reader's, from
/// <c>X-Forwarded-For</c>, but only when the proxy is one the operator named (anyone can write that header).
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpStatusCode> SignupAsync(TestSite site, string client, int n)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/en/subscribe")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("email", $"reader{n}@example.org")]),
        };
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await site.Client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("KnownProxies", "127.0.0.1")]
    [InlineData("KnownNetworks", "127.0.0.0/8")]
    public async Task Behind_a_known_proxy_two_readers_get_separate_allowances(string key, string value)
    {
        await using var site = await TestSite.StartAsync(
            await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite), demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?> { [$"Broadsheet:ForwardedHeaders:{key}:0"] = value });
        var limit = Site.SubscriptionLimitsFacts.PerClientPerMinute;

        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SignupAsync(site, "203.0.113.7", i));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SignupAsync(site, "203.0.113.7", limit));
        // Another reader behind the same proxy still has the whole allowance; so does one who forged an entry in front.
        Assert.Equal(HttpStatusCode.OK, await SignupAsync(site, "198.51.100.20", limit + 1));
        Assert.Equal(HttpStatusCode.OK, await SignupAsync(site, "203.0.113.7, 198.51.100.21", limit + 2));
    }

    [Fact]
    public async Task Without_a_known_proxy_the_header_is_ignored()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var limit = Site.SubscriptionLimitsFacts.PerClientPerMinute;
        for (var i = 0; i < limit; i++)
        {
            // A fresh made-up address on every request would be a fresh allowance if the header were believed.
            Assert.Equal(HttpStatusCode.OK, await SignupAsync(site, $"203.0.113.{i + 1}", i));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SignupAsync(site, "198.51.100.20", limit));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_sign_in_cookie_is_secure_when_a_known_proxy_says_the_reader_came_over_https(bool proxyKnown)
    {
        await using var site = await TestSite.StartAsync(
            await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite), demoContent: false, services: null, ownsEnvironment: true,
            proxyKnown ? new Dictionary<string, string?> { ["Broadsheet:ForwardedHeaders:KnownProxies"] = "127.0.0.1" } : null);
        var owner = await AdminClient.CreateMemberAsync(site.Services, Broadsheet.Staff.StaffRole.Owner, "owner@newsroom.example");

        // A browser behind TLS: the proxy talks plain HTTP to the app and says the reader used HTTPS.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = site.BaseAddress };
        var form = await browser.GetStringAsync(new Uri("/admin/login", UriKind.Relative), Ct);
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(form, "name=\"__bs_token\" value=\"([^\"]+)\"").Groups[1].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/login")
        {
            Content = new FormUrlEncodedContent(
            [
                KeyValuePair.Create("email", owner.Email), KeyValuePair.Create("password", AdminClient.Password), KeyValuePair.Create("__bs_token", token),
            ]),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await browser.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bs_admin=", StringComparison.Ordinal));
        Assert.Equal(proxyKnown, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("KnownProxies", "10.0.0.300")]
    [InlineData("KnownProxies", "proxy.internal")]
    [InlineData("KnownNetworks", "10.0.0.0")]
    [InlineData("KnownNetworks", "10.0.0.1/8")]
    public async Task A_malformed_proxy_setting_stops_the_start_with_a_message_that_names_it(string key, string value)
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var error = Assert.Throws<InvalidOperationException>(() => BroadsheetHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(environment.Settings())
            {
                // A good entry first: the one that is wrong is named, not merely the setting.
                [$"Broadsheet:ForwardedHeaders:{key}"] = (key == "KnownProxies" ? "10.0.0.5, " : "10.0.0.0/24, ") + value,
            })));
        Assert.Contains($"Broadsheet:ForwardedHeaders:{key}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{value}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_executable_refuses_a_malformed_proxy_without_a_stack_trace()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var result = await CliProcess.RunAsync(environment, new Dictionary<string, string?> { ["Broadsheet__ForwardedHeaders__KnownProxies__0"] = "10.0.0.300" });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: Broadsheet:ForwardedHeaders:KnownProxies: \"10.0.0.300\" is not an IP address", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
