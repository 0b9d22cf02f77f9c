using System.Net;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A browser-like client of the admin: its own cookies, no automatic redirects, and form posts that carry the
/// antiforgery token taken from a real admin page, as a browser's would.
/// </summary>
public sealed partial class AdminClient : IDisposable
{
    public const string Password = "a long test password";

    private readonly HttpClient _client;
    private readonly TestSite? _site;

    private AdminClient(TestSite site)
        : this(site.BaseAddress, new CookieContainer()) => _site = site;

    private AdminClient(Uri baseAddress, CookieContainer cookies)
    {
        BaseAddress = baseAddress;
        Cookies = cookies;
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies }) { BaseAddress = baseAddress };
    }

    /// <exception cref="InvalidOperationException">This client talks to a host process (<see cref="HostProcess"/>), not an in-process site.</exception>
    public TestSite Site => _site ?? throw new InvalidOperationException("This client talks to a host process, not an in-process TestSite.");

    /// <summary>The instance this client talks to.</summary>
    public Uri BaseAddress { get; }

    public CookieContainer Cookies { get; }
    public StaffMember? Member { get; private set; }

    /// <summary>A client that is not signed in.</summary>
    public static AdminClient Anonymous(TestSite site) => new(site);

    /// <summary>
    /// Makes a staff member with <paramref name="role"/> (the owner through the set-up service when none exists yet,
    /// anyone else straight into the database) and signs in through the real sign-in form.
    /// </summary>
    public static Task<AdminClient> SignInAsync(TestSite site, StaffRole role, string? email = null, string language = "en", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        return SignInAsync(new AdminClient(site), site.Services, role, email, language, name);
    }

    /// <summary>
    /// The same against an instance running as a child process (<see cref="HostProcess"/>): the staff member is made
    /// through <paramref name="services"/> on the same database, the sign-in goes through that instance's form.
    /// </summary>
    public static Task<AdminClient> SignInAsync(HostProcess host, IServiceProvider services, StaffRole role, string? email = null, string language = "en", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        return SignInAsync(new AdminClient(host.BaseAddress, new CookieContainer()), services, role, email, language, name);
    }

    /// <summary>
    /// The same browser (the same cookies, so the same sign-in) sent to another instance, as a load balancer in front
    /// of several would route its next request.
    /// </summary>
    public AdminClient On(HostProcess host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new AdminClient(host.BaseAddress, Cookies) { Member = Member };
    }

    private static async Task<AdminClient> SignInAsync(AdminClient client, IServiceProvider services, StaffRole role, string? email, string language, string? name)
    {
        email ??= $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@newsroom.example";
        name ??= $"Test {role}";
        var member = await CreateMemberAsync(services, role, email, language, name);
        using var response = await client.PostFormAsync("/admin/login", new Dictionary<string, string> { ["email"] = email, ["password"] = Password }, tokenFrom: "/admin/login");
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {role} answered {(int)response.StatusCode}.");
        }

        client.Member = member;
        return client;
    }

    /// <summary>A staff member in the database with <see cref="Password"/>; the first owner goes through the set-up rule.</summary>
    public static async Task<StaffMember> CreateMemberAsync(IServiceProvider services, StaffRole role, string email, string language = "en", string name = "Test")
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var staff = scope.ServiceProvider.GetRequiredService<StaffService>();
        if (role == StaffRole.Owner)
        {
            var result = await staff.SetUpOwnerAsync(name, email, Password, language);
            return result.Member ?? throw new InvalidOperationException($"The owner could not be set up: {result.Error}.");
        }

        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<StaffMember>>();
        var member = new StaffMember
        {
            Email = StaffService.Normalise(email) ?? throw new ArgumentException("Not an address.", nameof(email)),
            Name = name, Role = role, Language = language, CreatedAt = DateTime.UtcNow,
        };
        member.PasswordHash = hasher.HashPassword(member, Password);
        db.StaffMembers.Add(member);
        await db.SaveChangesAsync();
        return member;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await GetAsync(path);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The form token of a page this client may see (the dashboard when signed in, else the sign-in page).</summary>
    public async Task<string> TokenAsync(string? from = null)
    {
        var html = await GetStringAsync(from ?? (Member is null ? "/admin/login" : "/admin"));
        var match = TokenField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No form token on {from}.");
    }

    /// <summary>Posts a form as a browser would, with the token; <paramref name="withToken"/> false leaves it out.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? tokenFrom = null, bool withToken = true)
    {
        var all = new List<KeyValuePair<string, string>>(fields);
        if (withToken)
        {
            all.Add(KeyValuePair.Create("__bs_token", await TokenAsync(tokenFrom)));
        }

        using var content = new FormUrlEncodedContent(all);
        return await _client.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts multipart form data (a file upload) with the token.</summary>
    /// <param name="expectContinue">Ask the server before sending the body, as a client must to see a refusal of a huge body.</param>
    public async Task<HttpResponseMessage> PostMultipartAsync(string path, MultipartFormDataContent content, string? tokenFrom = null, bool expectContinue = false)
    {
        ArgumentNullException.ThrowIfNull(content);
        content.Add(new StringContent(await TokenAsync(tokenFrom)), "__bs_token");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__bs_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
