using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Cli;

/// <summary>`-- subscribers import|export|show|erase` run as a user runs them: the real executable in a child process.</summary>
public sealed class SubscribersCommandTests
{
    // Line numbers matter: the report must point at them. Line 6 is a quoted name spanning two lines.
    private const string MixedList =
        "Email,NAME,Language\r\n" +                                  // 1
        "amira@example.com,أميرة الخطيب,ar\r\n" +                     // 2
        "ben.carter@example.org,\"Carter, Ben\",en\r\n" +              // 3
        "not-an-address,Nobody,en\r\n" +                               // 4
        "amira@EXAMPLE.Com,Amira again,ar\r\n" +                       // 5: same reader as line 2 (domains ignore case)
        "\"dina@example.net\",\"Dina \"\"D\"\" Ellis\r\nof Beirut\",both\r\n" + // 6-7
        "stopped@example.com,Stopped,en\r\n" +                         // 8: suppressed
        "\r\n" +                                                       // 9: blank, ignored
        "omar@example.com,عمر,fr\r\n" +                                // 10: unknown language
        "yusuf@example.com,Yusuf,\r\n" +                               // 11: --lang default
        "zaid@example.com,زيد,ar+en\r\n" +                             // 12
        "extra@example.com,A,en,surplus\r\n";                          // 13: too many fields

    private static readonly string[] ImportedAddresses = ["amira@example.com", "ben.carter@example.org", "dina@example.net", "yusuf@example.com", "zaid@example.com"];

    // The export test's readers that are active, so come back from an export.
    private static readonly int[] Kept = [0, 2, 3, 4, 5, 6, 7];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Line(string label, CliProcess.Result result) =>
        result.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(label + " ", StringComparison.Ordinal))[(label.Length + 1)..];

    // One TestServices per test, kept for its length: disposing it removes the environment's folder.
    private static Task<int> SuppressAsync(TestServices services, string address, SuppressionReason reason) =>
        services.InScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            db.Suppressions.Add(new Suppression { AddressHash = sp.GetRequiredService<AddressProtector>().SuppressionHash(address), Reason = reason, CreatedAt = DateTime.UnixEpoch });
            return db.SaveChangesAsync(Ct);
        });

    private static Task<(List<Subscriber> Subscribers, List<ConsentRecord> Consents, List<ImportConsent> Imports, List<Suppression> Suppressions, AddressProtector Protector)> ReadAsync(TestServices services) =>
        services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (
                await db.Subscribers.AsNoTracking().OrderBy(s => s.Id).ToListAsync(Ct),
                await db.Consents.AsNoTracking().OrderBy(c => c.Id).ToListAsync(Ct),
                await db.ImportConsents.AsNoTracking().ToListAsync(Ct),
                await db.Suppressions.AsNoTracking().ToListAsync(Ct),
                sp.GetRequiredService<AddressProtector>());
        });

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Import_counts_every_kind_of_row_reports_rejected_lines_and_changes_nothing_the_second_time(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        await using var services = await TestServices.CreateAsync(environment);
        await SuppressAsync(services, "stopped@example.com", SuppressionReason.Unsubscribed);
        var file = Path.Combine(environment.DataDirectory, "newsroom list.csv");
        await File.WriteAllTextAsync(file, MixedList, Ct);

        var first = await CliProcess.RunAsync(environment, "subscribers", "import", file, "--newsletter", "digest", "--lang", "ar");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(("5", "0", "1", "1", "3"), (Line("imported", first), Line("already subscribed", first), Line("duplicates in file", first), Line("suppressed (skipped)", first), Line("rejected", first)));
        var report = Path.Combine(environment.DataDirectory, "newsroom list.rejected.csv");
        Assert.Equal(report, Line("report", first));
        Assert.Equal(
            "line,reason\r\n4,invalid address: syntax\r\n10,\"unknown language (use en, ar or both)\"\r\n13,4 fields where the header has 3 (an unquoted comma?)\r\n",
            await File.ReadAllTextAsync(report, Ct));
        foreach (var address in ImportedAddresses.Append("stopped@example.com"))
        {
            Assert.DoesNotContain(address, first.Error, StringComparison.OrdinalIgnoreCase);
        }

        var (subscribers, consents, imports, _, protector) = await ReadAsync(services);
        var byAddress = subscribers.ToDictionary(s => protector.Decrypt(s.EmailEncrypted));
        Assert.Equal(ImportedAddresses.Order(StringComparer.Ordinal), byAddress.Keys.Order(StringComparer.Ordinal));
        Assert.All(subscribers, s => Assert.Equal(SubscriberStatus.Active, s.Status));
        Assert.Equal("أميرة الخطيب", protector.Decrypt(byAddress["amira@example.com"].NameEncrypted!));
        Assert.Equal("Carter, Ben", protector.Decrypt(byAddress["ben.carter@example.org"].NameEncrypted!));
        Assert.Equal("Dina \"D\" Ellis of Beirut", protector.Decrypt(byAddress["dina@example.net"].NameEncrypted!));
        Assert.Equal(
            [NewsletterLanguages.Arabic, NewsletterLanguages.English, NewsletterLanguages.Both, NewsletterLanguages.Arabic, NewsletterLanguages.Both],
            ImportedAddresses.Select(a => byAddress[a].Languages));
        Assert.Equal(protector.BlindIndex("amira@example.com"), byAddress["amira@example.com"].EmailIndex);

        // One consent record for the import, which every imported reader points at.
        Assert.Empty(consents);
        var import = Assert.Single(imports);
        Assert.Equal(("cli-import:newsroom list.csv", "ar"), (import.Source, import.Language));
        Assert.All(subscribers, s => Assert.Equal(import.Id, s.ImportConsentId));

        var second = await CliProcess.RunAsync(environment, "subscribers", "import", file, "--lang", "ar");

        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(("0", "5", "1", "1", "3"), (Line("imported", second), Line("already subscribed", second), Line("duplicates in file", second), Line("suppressed (skipped)", second), Line("rejected", second)));
        var after = await ReadAsync(services);
        Assert.Equal(subscribers.Select(s => (s.Id, s.UpdatedAt, s.Status)), after.Subscribers.Select(s => (s.Id, s.UpdatedAt, s.Status)));
        Assert.Equal((0, import.Id), (after.Consents.Count, Assert.Single(after.Imports).Id));
    }

    [Fact]
    public async Task The_sqlite_database_holds_no_imported_address_or_name_in_clear()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(environment.DataDirectory, "list.csv");
        await File.WriteAllTextAsync(file, MixedList, Ct);
        var result = await CliProcess.RunAsync(environment, "subscribers", "import", file);
        Assert.True(result.ExitCode == 0, result.Error);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(environment.DataDirectory, "broadsheet.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.NotEmpty(bytes);
        foreach (var text in ImportedAddresses.Concat(["example.com", "أميرة", "Carter, Ben", "Ellis"]))
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0, $"'{text}' is in the database file in clear");
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Export_neutralises_formulas_keeps_arabic_refuses_to_overwrite_and_imports_back(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        await using var services = await TestServices.CreateAsync(environment);
        string[] names = ["=1+1", "+x", "-x", "@x", "\tTabbed", "\rReturned", "سارة الحسيني", "Plain, with comma"];
        await services.InScopeAsync(sp =>
        {
            var protector = sp.GetRequiredService<AddressProtector>();
            var db = sp.GetRequiredService<BroadsheetDb>();
            for (var i = 0; i < names.Length; i++)
            {
                db.Subscribers.Add(new Subscriber
                {
                    EmailEncrypted = protector.Encrypt($"reader{i}@example.com"),
                    EmailIndex = protector.BlindIndex($"reader{i}@example.com"),
                    NameEncrypted = protector.Encrypt(names[i]),
                    Status = i == 1 ? SubscriberStatus.Unsubscribed : SubscriberStatus.Active,
                    Languages = i % 2 == 0 ? NewsletterLanguages.Arabic : NewsletterLanguages.Both,
                    CreatedAt = new DateTime(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc),
                    UpdatedAt = new DateTime(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc),
                    ConfirmedAt = i == 1 ? null : new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc),
                });
            }

            return db.SaveChangesAsync(Ct);
        });

        var file = Path.Combine(environment.DataDirectory, "export.csv");
        var export = await CliProcess.RunAsync(environment, "subscribers", "export", file);

        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal("exported 8", export.Out.Trim());
        var rows = ReadCsv(await File.ReadAllTextAsync(file, Ct));
        Assert.Equal(["email", "name", "language", "status", "created", "confirmed"], rows[0]);
        Assert.Equal(["'=1+1", "'+x", "'-x", "'@x", "'\tTabbed", "'\rReturned", "سارة الحسيني", "Plain, with comma"], rows.Skip(1).Select(r => r[1]));
        Assert.Equal(["reader0@example.com", "ar", "active", "2026-03-01T08:30:00Z", "2026-03-02T09:00:00Z"], rows[1].Where((_, i) => i != 1));
        Assert.Equal(["reader1@example.com", "ar,en", "unsubscribed", "2026-03-01T08:30:00Z", ""], rows[2].Where((_, i) => i != 1));
        var raw = await File.ReadAllBytesAsync(file, Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], raw[..3]);
        Assert.Contains("\"'\rReturned\"", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // An existing file is kept unless --force.
        await File.WriteAllTextAsync(file, "keep me", Ct);
        var refused = await CliProcess.RunAsync(environment, "subscribers", "export", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file, Ct));
        var forced = await CliProcess.RunAsync(environment, "subscribers", "export", file, "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(raw.Length, (await File.ReadAllBytesAsync(file, Ct)).Length);
        Assert.Empty(Directory.GetFiles(environment.DataDirectory, "*.part"));

        // The export imports into another database as it was: formulas and Arabic names come back unchanged, and
        // the unsubscribed reader is not made active again.
        await using var other = await TestEnvironment.CreateAsync(provider);
        await using var otherServices = await TestServices.CreateAsync(other);
        var import = await CliProcess.RunAsync(other, "subscribers", "import", file);
        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Equal(("7", "1"), (Line("imported", import), Line("rejected", import)));
        Assert.Equal("line,reason\r\n3,status unsubscribed (only active subscribers are imported)\r\n", await File.ReadAllTextAsync(Path.ChangeExtension(file, ".rejected.csv"), Ct));
        var (imported, _, _, _, protector) = await ReadAsync(otherServices);
        // In the file's order (by the number in each address), not the ids': SQLite numbers a transaction's new rows
        // in blind-index order (SubscriberImporter).
        var subscribers = imported.OrderBy(s => ReaderNumber(protector, s)).ToList();
        Assert.Equal(
            ["=1+1", "-x", "@x", "Tabbed", "Returned", "سارة الحسيني", "Plain, with comma"],
            subscribers.Select(s => protector.Decrypt(s.NameEncrypted!)));
        Assert.Equal(Kept, subscribers.Select(s => ReaderNumber(protector, s)));
        Assert.Equal(Kept.Select(i => i % 2 == 0 ? NewsletterLanguages.Arabic : NewsletterLanguages.Both), subscribers.Select(s => s.Languages));
    }

    private static int ReaderNumber(AddressProtector protector, Subscriber subscriber) =>
        int.Parse(protector.Decrypt(subscriber.EmailEncrypted)["reader".Length..^"@example.com".Length], System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Show_prints_everything_held_as_json_and_refuses_unknown_or_invalid_addresses(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        var file = Path.Combine(environment.DataDirectory, "list.csv");
        await File.WriteAllTextAsync(file, MixedList, Ct);
        Assert.Equal(0, (await CliProcess.RunAsync(environment, "subscribers", "import", file)).ExitCode);
        await using var services = await TestServices.CreateAsync(environment);
        await SuppressAsync(services, "zaid@example.com", SuppressionReason.Bounced);

        var shown = await CliProcess.RunAsync(environment, "subscribers", "show", "zaid@EXAMPLE.com");

        Assert.True(shown.ExitCode == 0, shown.Error);
        using var json = JsonDocument.Parse(shown.Out);
        var root = json.RootElement;
        Assert.Equal("zaid@example.com", root.GetProperty("email").GetString());
        Assert.Equal("زيد", root.GetProperty("name").GetString());
        Assert.Equal("active", root.GetProperty("status").GetString());
        Assert.Equal(["ar", "en"], root.GetProperty("languages").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.String, root.GetProperty("confirmedAt").ValueKind);
        Assert.True(root.GetProperty("createdAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-5));
        Assert.True(root.GetProperty("suppressed").GetBoolean());
        Assert.Equal("bounced", root.GetProperty("suppression").GetProperty("reason").GetString());
        var consent = Assert.Single(root.GetProperty("consents").EnumerateArray());
        Assert.Equal("signup", consent.GetProperty("action").GetString());
        Assert.Equal("cli-import:list.csv", consent.GetProperty("source").GetString());
        Assert.Equal("en", consent.GetProperty("language").GetString());
        Assert.Equal("absent", consent.GetProperty("ipHash").GetString());

        var unknown = await CliProcess.RunAsync(environment, "subscribers", "show", "nobody@example.com");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: no subscriber with that address", unknown.Error.Trim());
        Assert.Empty(unknown.Out);

        var invalid = await CliProcess.RunAsync(environment, "subscribers", "show", "not an address");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Equal("error: " + EmailAddressMessages.For(EmailAddressError.ForbiddenCharacter, "en"), invalid.Error.Trim());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Erase_deletes_the_subscriber_and_history_keeps_a_suppression_and_a_reimport_skips_the_address(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        var file = Path.Combine(environment.DataDirectory, "list.csv");
        await File.WriteAllTextAsync(file, MixedList, Ct);
        Assert.Equal(0, (await CliProcess.RunAsync(environment, "subscribers", "import", file)).ExitCode);
        await using var services = await TestServices.CreateAsync(environment);

        var unconfirmed = await RunWithInputAsync(environment, "", "subscribers", "erase", "amira@example.com");
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Equal("error: pass --yes to erase without a prompt", unconfirmed.Error.Trim());
        Assert.Equal(6, (await ReadAsync(services)).Subscribers.Count);

        var erased = await CliProcess.RunAsync(environment, "subscribers", "erase", "amira@Example.COM", "--yes");

        Assert.True(erased.ExitCode == 0, erased.Error);
        Assert.Equal("erased", erased.Out.Trim());
        var (subscribers, _, imports, suppressions, protector) = await ReadAsync(services);
        Assert.Equal(5, subscribers.Count);
        Assert.DoesNotContain("amira@example.com", subscribers.Select(s => protector.Decrypt(s.EmailEncrypted)));
        // The import's record names no one, so it stays for the others.
        Assert.All(subscribers, s => Assert.Equal(Assert.Single(imports).Id, s.ImportConsentId));
        var suppression = Assert.Single(suppressions);
        Assert.Equal(protector.SuppressionHash("amira@example.com"), suppression.AddressHash);
        Assert.Equal(SuppressionReason.Erased, suppression.Reason);

        var again = await CliProcess.RunAsync(environment, "subscribers", "erase", "amira@example.com", "--yes");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("error: no subscriber with that address", again.Error.Trim());

        var reimport = await CliProcess.RunAsync(environment, "subscribers", "import", file);
        Assert.True(reimport.ExitCode == 0, reimport.Error);
        Assert.Equal(("0", "5", "1", "1"), (Line("imported", reimport), Line("already subscribed", reimport), Line("suppressed (skipped)", reimport), Line("duplicates in file", reimport)));
        Assert.Equal(5, (await ReadAsync(services)).Subscribers.Count);
    }

    public static TheoryData<string, byte[]?, string[], string> BadInputs => new()
    {
        { "missing file", null, [], "not found" },
        { "empty file", [], [], "empty" },
        { "no header", "amira@example.com,Amira,ar\n"u8.ToArray(), [], "no header" },
        { "no email column", "name,language\nAmira,ar\n"u8.ToArray(), [], "no email column" },
        { "not utf-8", [.. "email,name\nx@example.com,"u8, 0xC7, 0xE1, 0xE4, (byte)'\n'], [], "UTF-8" },
        { "bad --lang", Encoding.UTF8.GetBytes(MixedList), ["--lang", "fr"], "--lang" },
        { "bad --newsletter", Encoding.UTF8.GetBytes(MixedList), ["--newsletter", "weekly"], "--newsletter" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_clear_error_with_a_non_zero_exit_and_nothing_written(string name, byte[]? content, string[] options, string expected)
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(environment.DataDirectory, name.Replace(' ', '-') + ".csv");
        if (content is not null)
        {
            await File.WriteAllBytesAsync(file, content, Ct);
        }

        var result = await CliProcess.RunAsync(environment, ["subscribers", "import", file, .. options]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("amira@", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
        Assert.Empty(Directory.GetFiles(environment.DataDirectory, "*.rejected.csv*"));
        Assert.False(File.Exists(Path.Combine(environment.DataDirectory, "broadsheet.db")), "the database was not even opened");
    }

    // CliProcess leaves standard input alone; erase's prompt needs it to be a pipe, as in a script.
    private static async Task<CliProcess.Result> RunWithInputAsync(TestEnvironment environment, string input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = environment.DataDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Broadsheet.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment.Settings())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliProcess.Result(process.ExitCode, await output, await error);
    }

    private static List<string[]> ReadCsv(string text)
    {
        var reader = new SubscriberCsvReader(new StringReader(text.TrimStart('\uFEFF')));
        var fields = new List<string>();
        var rows = new List<string[]>();
        while (reader.Read(fields))
        {
            Assert.Null(reader.Problem);
            rows.Add(fields.ToArray());
        }

        return rows;
    }
}
