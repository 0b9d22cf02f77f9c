using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Broadsheet.Web.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Broadsheet.Tests.Privacy;

/// <summary>
/// The keys every instance on one database must share (issue 7): the admin's data-protection keys live in the
/// database, sealed under the privacy master key, and the master key itself is checked against the database at every
/// start, so an instance with another key refuses to start instead of writing what the others cannot read.
/// </summary>
public sealed class SharedKeysTests
{
    private const string Refusal = "This instance's privacy key is not the one this database was written with.";

    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static Task<TestSite> StartAsync(TestEnvironment environment, string? masterKey) =>
        TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: false, new Dictionary<string, string?>
        {
            ["Broadsheet:Privacy:MasterKey"] = masterKey,
        });

    private static async Task<T> InScopeAsync<T>(TestSite site, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static HttpClient ClientOn(TestSite site, CookieContainer cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = site.BaseAddress };

    [Fact]
    public async Task A_sign_in_a_form_token_and_a_reader_link_made_on_one_instance_work_on_another()
    {
        var key = NewKey();
        await using var environmentA = await TestEnvironment.CreateAsync(DatabaseProvider.Postgres);
        await using var environmentB = await TestEnvironment.CreateSharingAsync(environmentA);
        await using var a = await StartAsync(environmentA, key);
        await using var b = await StartAsync(environmentB, key);

        using var editor = await AdminClient.SignInAsync(a, StaffRole.Editor, name: "Rania Haddad");

        // Cookies ignore the port, so the browser's cookie jar from A goes to B as it would behind one proxy.
        using var onB = ClientOn(b, editor.Cookies);
        var (status, dashboard) = await onB.FetchAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"chart-growth\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("Rania Haddad", dashboard, StringComparison.Ordinal);

        // A form token taken from a page of A, with A's antiforgery cookie, is accepted by B and acted on.
        var token = await editor.TokenAsync();
        using (var form = new FormUrlEncodedContent([KeyValuePair.Create("language", "ar"), KeyValuePair.Create("__bs_token", token)]))
        {
            using var saved = await onB.PostAsync(new Uri("/admin/account/language", UriKind.Relative), form, Ct);
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            Assert.StartsWith("/admin/account?notice=", saved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var language = await InScopeAsync(b, sp => sp.GetRequiredService<BroadsheetDb>().StaffMembers.Where(m => m.Id == editor.Member!.Id).Select(m => m.Language).SingleAsync(Ct));
        Assert.Equal("ar", language);

        // A reader's unsubscribe link made by A (its signed manage token) works on B, and B reads what A wrote.
        const string Reader = "reader@example.org";
        var manage = await InScopeAsync(a, async sp =>
        {
            await sp.GetRequiredService<SubscriptionService>().SignupAsync(new SignupRequest { Email = Reader, PageLanguage = "en", Source = "/en/x" }, Ct);
            var index = sp.GetRequiredService<AddressProtector>().BlindIndex(EmailAddress.Parse(Reader).Value);
            var id = await sp.GetRequiredService<BroadsheetDb>().Subscribers.Where(s => s.EmailIndex == index).Select(s => s.Id).SingleAsync(Ct);
            return sp.GetRequiredService<SubscriptionService>().ManageToken(id);
        });
        using (var oneClick = new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")]))
        {
            using var unsubscribed = await b.Client.PostAsync(new Uri($"/unsubscribe/{manage}", UriKind.Relative), oneClick, Ct);
            Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        }

        var (readerStatus, address) = await InScopeAsync(b, async sp =>
        {
            var protector = sp.GetRequiredService<AddressProtector>();
            var index = protector.BlindIndex(EmailAddress.Parse(Reader).Value);
            var row = await sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().SingleAsync(s => s.EmailIndex == index, Ct);
            return (row.Status, protector.Decrypt(row.EmailEncrypted));
        });
        Assert.Equal(SubscriberStatus.Unsubscribed, readerStatus);
        Assert.Equal(Reader, address);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_stored_keys_hold_their_secret_only_sealed_under_the_master_key(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        await using var site = await StartAsync(environment, NewKey());
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);

        var rows = await InScopeAsync(site, sp => sp.GetRequiredService<BroadsheetDb>().DataProtectionKeys.AsNoTracking().ToListAsync(Ct));
        var row = Assert.Single(rows);
        var key = XElement.Parse(row.Xml);
        Assert.Equal("key", key.Name.LocalName);
        Assert.StartsWith("key-", row.FriendlyName, StringComparison.Ordinal);

        // In the clear: only the framework's metadata. The secret is an encryptedSecret holding our sealed form.
        Assert.Empty(key.Descendants("masterKey"));
        Assert.Empty(key.Descendants("value"));
        Assert.DoesNotContain("unencrypted", row.Xml, StringComparison.OrdinalIgnoreCase);
        var encrypted = Assert.Single(key.Descendants(DataProtection + "encryptedSecret"));
        Assert.StartsWith(typeof(SealedKeyDecryptor).FullName + ",", (string?)encrypted.Attribute("decryptorType"), StringComparison.Ordinal);
        var sealedKey = Assert.Single(encrypted.Elements("sealedKey"));

        // Opened with the instance's master key, it is the framework's key material, which appears nowhere in the row.
        var opened = XElement.Parse(site.Services.GetRequiredService<KeyRingSealer>().Open(sealedKey.Value));
        var material = opened.Descendants("value").Single().Value;
        Assert.Equal(64, Convert.FromBase64String(material).Length);
        Assert.DoesNotContain(material, row.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(material)), row.Xml, StringComparison.OrdinalIgnoreCase);

        // Another master key (a thief with the database alone) cannot open it.
        var thief = new KeyRingSealer(PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)));
        Assert.ThrowsAny<CryptographicException>(() => thief.Open(sealedKey.Value));
    }

    [Fact]
    public async Task A_host_with_another_master_key_refuses_to_start_and_writes_nothing()
    {
        await using var environmentA = await TestEnvironment.CreateAsync(DatabaseProvider.Postgres);
        await using var environmentB = await TestEnvironment.CreateSharingAsync(environmentA);
        var keyA = NewKey();
        string fingerprint;
        await using (var a = await StartAsync(environmentA, keyA))
        {
            using var owner = await AdminClient.SignInAsync(a, StaffRole.Owner);
            fingerprint = a.Services.GetRequiredService<PrivacyKeys>().Fingerprint;
        }

        var before = await RowCountsAsync(environmentA.ConnectionString!);
        Assert.Equal(1, before["key_fingerprints"]);
        Assert.Equal(1, before["data_protection_keys"]);

        // The real executable, as an operator starts a second machine with a key of its own.
        var result = await CliProcess.RunAsync(environmentB, new Dictionary<string, string?> { ["Broadsheet__Privacy__MasterKey"] = NewKey() }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        var output = result.Out + result.Error;
        Assert.Contains(Refusal, output, StringComparison.Ordinal);
        Assert.Contains("set Broadsheet:Privacy:MasterKey (the same value everywhere)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);

        Assert.Equal(before, await RowCountsAsync(environmentA.ConnectionString!));
        await using var check = new NpgsqlConnection(environmentA.ConnectionString);
        await check.OpenAsync(Ct);
        await using var query = new NpgsqlCommand("SELECT \"Fingerprint\" FROM key_fingerprints", check);
        Assert.Equal(fingerprint, await query.ExecuteScalarAsync(Ct));

        // The same machine with the shared key starts (and then stops as asked).
        await using var b = await StartAsync(environmentB, keyA);
        var (status, _) = await b.Client.FetchAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_command_run_with_another_data_folder_refuses_before_writing()
    {
        // The classic slip on one machine: a command run from another folder, where a key file of its own is made.
        await using var environmentA = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        await using var environmentB = await TestEnvironment.CreateSharingAsync(environmentA);
        await using (await StartAsync(environmentA, masterKey: null))
        {
        }

        var body = Path.Combine(environmentB.DataDirectory, "body.txt");
        await File.WriteAllTextAsync(body, "A short dispatch. Unsubscribe: {{unsubscribe_url}}", Ct);
        string[] command = ["sends", "create", "--lang", "en", "--subject", "Breaking", "--text", body];
        var refused = await CliProcess.RunAsync(environmentB, command);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: " + Refusal, refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Out);
        Assert.Equal(0, await SendCountAsync(environmentA));

        // With the install's key the same command goes through: it was the key, nothing else.
        var key = (await File.ReadAllTextAsync(Path.Combine(environmentA.DataDirectory, PrivacyKeys.FileName), Ct)).Trim();
        var accepted = await CliProcess.RunAsync(environmentB, new Dictionary<string, string?> { ["Broadsheet__Privacy__MasterKey"] = key }, command);
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Equal(1, await SendCountAsync(environmentA));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task One_instance_with_no_key_configured_makes_its_key_file_binds_the_database_and_keeps_sign_ins_across_a_restart(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        CookieContainer cookies;
        string fingerprint;
        await using (var first = await StartAsync(environment, masterKey: null))
        {
            Assert.True(File.Exists(Path.Combine(environment.DataDirectory, PrivacyKeys.FileName)));
            fingerprint = first.Services.GetRequiredService<PrivacyKeys>().Fingerprint;
            var stored = await InScopeAsync(first, sp => sp.GetRequiredService<BroadsheetDb>().KeyFingerprints.AsNoTracking().SingleAsync(Ct));
            Assert.Equal(PrivacyKeyCheck.MasterKeyName, stored.Name);
            Assert.Equal(fingerprint, stored.Fingerprint);
            Assert.Equal(PrivacyKeys.LoadOrCreate(environment.DataDirectory, null).Fingerprint, stored.Fingerprint);

            using var owner = await AdminClient.SignInAsync(first, StaffRole.Owner, name: "Nadia Owner");
            cookies = owner.Cookies;
        }

        await using var second = await StartAsync(environment, masterKey: null);
        using var client = ClientOn(second, cookies);
        var (status, dashboard) = await client.FetchAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Nadia Owner", dashboard, StringComparison.Ordinal);

        var (keys, fingerprints) = await InScopeAsync(second, async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (await db.DataProtectionKeys.CountAsync(Ct), await db.KeyFingerprints.Select(k => k.Fingerprint).ToListAsync(Ct));
        });
        Assert.Equal(1, keys);
        Assert.Equal([fingerprint], fingerprints);
    }

    [Fact]
    public async Task Instances_starting_together_on_a_new_database_make_one_key_and_accept_each_others_cookies()
    {
        var key = NewKey();
        await using var environmentA = await TestEnvironment.CreateAsync(DatabaseProvider.Postgres);
        await using var environmentB = await TestEnvironment.CreateSharingAsync(environmentA);
        await using var environmentC = await TestEnvironment.CreateSharingAsync(environmentA);

        var sites = await Task.WhenAll(StartAsync(environmentA, key), StartAsync(environmentB, key), StartAsync(environmentC, key));
        try
        {
            var (keys, fingerprints) = await InScopeAsync(sites[0], async sp =>
            {
                var db = sp.GetRequiredService<BroadsheetDb>();
                return (await db.DataProtectionKeys.CountAsync(Ct), await db.KeyFingerprints.CountAsync(Ct));
            });
            Assert.Equal(1, keys);
            Assert.Equal(1, fingerprints);

            // Signed in on the last to start, accepted by the others.
            using var editor = await AdminClient.SignInAsync(sites[2], StaffRole.Editor, name: "Omar Editor");
            foreach (var other in sites[..2])
            {
                using var client = ClientOn(other, editor.Cookies);
                var (status, dashboard) = await client.FetchAsync("/admin");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains("Omar Editor", dashboard, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var site in sites)
            {
                await site.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_check_binds_the_database_to_the_first_key_and_refuses_any_other(DatabaseProvider provider)
    {
        var keyA = NewKey();
        await using var environmentA = await TestEnvironment.CreateAsync(provider);
        await using var environmentB = await TestEnvironment.CreateSharingAsync(environmentA);
        await using var a = await TestServices.CreateAsync(environmentA, settings: new Dictionary<string, string?> { ["Broadsheet:Privacy:MasterKey"] = keyA });
        await using var b = await TestServices.CreateAsync(environmentB, settings: new Dictionary<string, string?> { ["Broadsheet:Privacy:MasterKey"] = NewKey() });

        await a.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PrivacyKeyCheck>().VerifyAsync(Ct);
            return 0;
        });
        var refusal = await Assert.ThrowsAsync<PrivacyKeyMismatchException>(() => b.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PrivacyKeyCheck>().VerifyAsync(Ct);
            return 0;
        }));
        Assert.StartsWith(Refusal, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("docs/operations.md, 'Several instances'", refusal.Message, StringComparison.Ordinal);

        // Checked again (every start does): still A's, and A is still accepted.
        var stored = await a.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<PrivacyKeyCheck>().VerifyAsync(Ct);
            return await sp.GetRequiredService<BroadsheetDb>().KeyFingerprints.Select(k => k.Fingerprint).ToListAsync(Ct);
        });
        Assert.Equal([PrivacyKeys.FromMaster(Convert.FromBase64String(keyA)).Fingerprint], stored);
    }

    [Fact]
    public async Task Checks_racing_on_a_new_database_store_one_fingerprint_and_admit_only_its_key()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Postgres);
        await using var services = await TestServices.CreateAsync(environment);
        var options = new DbContextOptionsBuilder<PostgresBroadsheetDb>().UseNpgsql(environment.ConnectionString).Options;
        var masters = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? "even" : "odd").ToList();
        var keys = new Dictionary<string, PrivacyKeys>
        {
            ["even"] = PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)),
            ["odd"] = PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)),
        };

        // Eight instances' first starts at once, two keys among them: one insert wins, and only its key passes.
        var outcomes = await Task.WhenAll(masters.Select(async master =>
        {
            await using var context = new PostgresBroadsheetDb(options);
            var check = new PrivacyKeyCheck(context, keys[master], TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<PrivacyKeyCheck>.Instance);
            try
            {
                await check.VerifyAsync(Ct);
                return (master, Admitted: true);
            }
            catch (PrivacyKeyMismatchException)
            {
                return (master, Admitted: false);
            }
        }));

        var stored = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().KeyFingerprints.AsNoTracking().SingleAsync(Ct));
        var winner = keys.Single(k => k.Value.Fingerprint == stored.Fingerprint).Key;
        Assert.All(outcomes, o => Assert.Equal(o.master == winner, o.Admitted));
    }

    private static async Task<int> SendCountAsync(TestEnvironment environment)
    {
        await using var services = await TestServices.CreateAsync(environment);
        return await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Sends.CountAsync(Ct));
    }

    /// <summary>The number of rows in every table of the database: a start that writes nothing leaves them all alone.</summary>
    private static async Task<Dictionary<string, long>> RowCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync(Ct))!;
        }

        return counts;
    }
}
