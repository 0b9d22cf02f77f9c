using System.Text;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Subscribers;

/// <summary>The CSV reader, the file checks and the importer's database work, in process on both databases.</summary>
public sealed class SubscriberImporterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<(long Line, string? Problem, string[] Fields)> ReadAll(string csv)
    {
        var reader = new SubscriberCsvReader(new StringReader(csv));
        var fields = new List<string>();
        var records = new List<(long, string?, string[])>();
        while (reader.Read(fields))
        {
            records.Add((reader.Line, reader.Problem, fields.ToArray()));
        }

        return records;
    }

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks_and_lines_are_counted_as_an_editor_shows_them()
    {
        var records = ReadAll("email,name\r\na@example.com,\"Haddad, Omar\"\r\n\"b@example.com\",\"Say \"\"hi\"\"\nto all\r\nof them\"\nc@example.com,plain\rd@example.com,\n\ne@example.com,x");

        Assert.Equal([1L, 2, 3, 6, 7, 8, 9], records.Select(r => r.Line));
        Assert.Equal(["a@example.com", "Haddad, Omar"], records[1].Fields);
        Assert.Equal(["b@example.com", "Say \"hi\"\nto all\r\nof them"], records[2].Fields);
        Assert.Equal(["c@example.com", "plain"], records[3].Fields);
        Assert.Equal(["d@example.com", ""], records[4].Fields);
        Assert.Equal([""], records[5].Fields);
        Assert.Equal(["e@example.com", "x"], records[6].Fields);
        Assert.All(records, r => Assert.Null(r.Problem));
    }

    [Fact]
    public void Line_breaks_split_across_the_reader_buffer_are_counted_once()
    {
        // The reader fills 32K characters at a time: here a CRLF inside quotes straddles that edge.
        var quoted = new StringBuilder("email\n\"");
        quoted.Append('a', (32 * 1024) - quoted.Length - 1).Append("\r\n\"\r\nx@example.com\r\n");
        var records = ReadAll(quoted.ToString());
        Assert.Equal([1L, 2, 4], records.Select(r => r.Line));
        Assert.EndsWith("a\r\n", records[1].Fields[0], StringComparison.Ordinal);
        Assert.Equal("x@example.com", records[2].Fields[0]);

        // And here the CRLF that ends a record does.
        var plain = new StringBuilder("email\n");
        plain.Append('b', (32 * 1024) - plain.Length - 1).Append("\r\ny@example.com\r\n");
        records = ReadAll(plain.ToString());
        Assert.Equal([1L, 2, 3], records.Select(r => r.Line));
        Assert.Equal(["y@example.com"], records[2].Fields);
    }

    [Fact]
    public void An_unterminated_quote_and_an_overlong_row_are_problems_not_crashes()
    {
        var records = ReadAll("email\n\"a@example.com,never closed\nb@example.com\n");
        Assert.Equal("unterminated quoted field (a \" with no closing \")", records[1].Problem);

        var longRow = ReadAll("email\n" + new string('x', SubscriberCsvReader.MaxRecordChars + 10) + "\nok@example.com\n");
        Assert.StartsWith("row longer than", longRow[1].Problem, StringComparison.Ordinal);
        Assert.Equal((3L, (string?)null), (longRow[2].Line, longRow[2].Problem));
        Assert.Equal("ok@example.com", longRow[2].Fields[0]);
    }

    [Theory]
    [InlineData("en", NewsletterLanguages.English)]
    [InlineData(" AR ", NewsletterLanguages.Arabic)]
    [InlineData("both", NewsletterLanguages.Both)]
    [InlineData("ar,en", NewsletterLanguages.Both)]
    [InlineData("en+ar", NewsletterLanguages.Both)]
    [InlineData("Ar+En", NewsletterLanguages.Both)]
    [InlineData("fr", NewsletterLanguages.None)]
    [InlineData("en,fr", NewsletterLanguages.None)]
    [InlineData("", NewsletterLanguages.None)]
    public void Language_cells_read_as_documented(string cell, NewsletterLanguages expected)
    {
        Assert.Equal(expected != NewsletterLanguages.None, SubscriberImporter.TryParseLanguages(cell, out var languages));
        Assert.Equal(expected, languages);
    }

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "empty", [], "empty" },
        { "only a byte-order mark and blank lines", [0xEF, 0xBB, 0xBF, (byte)'\n', (byte)' ', (byte)'\n'], "empty" },
        { "utf-16", [0xFF, 0xFE, (byte)'e', 0, (byte)'m', 0], "UTF-16" },
        { "windows-1256", [.. "email,name\na@example.com,"u8, 0xE3, 0xCD, 0xE3, 0xCF, (byte)'\n'], "not valid UTF-8" },
        { "data without a header", "someone@example.com,Someone,en\n"u8.ToArray(), "no header line" },
        { "no email column", "address,name\nx,y\n"u8.ToArray(), "no email column" },
        { "semicolons", "email;name\na@example.com;A\n"u8.ToArray(), "semicolons" },
        { "header only", "email,name,language\r\n\r\n"u8.ToArray(), "no rows" },
        { "email twice", "email,Email\na@example.com,b@example.com\n"u8.ToArray(), "twice" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Unusable_files_are_refused_by_inspection_with_a_reason_and_no_address_in_it(string name, byte[] content, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadsheet-inspect-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, content);
        try
        {
            var error = Assert.Throws<SubscriberImportException>(() => SubscriberImporter.Inspect(path));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("someone@", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.ChangeExtension(path, ".rejected.csv")), name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var error = Assert.Throws<SubscriberImportException>(() => SubscriberImporter.Inspect("/nonexistent/subscribers.csv"));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspection_finds_the_columns_in_any_order_and_case_and_skips_a_byte_order_mark()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadsheet-inspect-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "\"Language\", NAME ,Email,extra\nen,A,a@example.com,1\n"u8]);
        try
        {
            var file = SubscriberImporter.Inspect(path);
            Assert.Equal((4, 2, 1, 0), (file.ColumnCount, file.EmailColumn, file.NameColumn, file.LanguageColumn));
            Assert.EndsWith(".rejected.csv", file.ReportPath, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_import_never_touches_an_existing_subscriber_and_only_new_rows_point_at_its_consent_record(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var existing = await services.InScopeAsync(async sp =>
        {
            var protector = sp.GetRequiredService<AddressProtector>();
            var db = sp.GetRequiredService<BroadsheetDb>();
            var subscriber = new Subscriber
            {
                EmailEncrypted = protector.Encrypt("left@example.org"),
                EmailIndex = protector.BlindIndex("left@example.org"),
                Status = SubscriberStatus.Unsubscribed,
                Languages = NewsletterLanguages.Arabic,
                CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                UpdatedAt = new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc),
                UnsubscribedAt = new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc),
            };
            db.Subscribers.Add(subscriber);
            await db.SaveChangesAsync(Ct);
            return subscriber.Id;
        });

        var csv = Path.Combine(services.Environment.DataDirectory, "list.csv");
        await File.WriteAllTextAsync(csv, "email,name,language\nleft@EXAMPLE.org,Back Again,en\nnew@example.org,سلمى,ar\nnew@example.ORG,Twice,en\n", Ct);
        var result = await ImportAsync(services, csv, NewsletterLanguages.English);

        Assert.Equal((1L, 1L, 1L, 0L, 0L), (result.Imported, result.AlreadySubscribed, result.DuplicatesInFile, result.Suppressed, result.Rejected));
        var (subscribers, consents, imports) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (await db.Subscribers.AsNoTracking().OrderBy(s => s.Id).ToListAsync(Ct), await db.Consents.AsNoTracking().ToListAsync(Ct),
                await db.ImportConsents.AsNoTracking().ToListAsync(Ct));
        });

        var left = subscribers.Single(s => s.Id == existing);
        Assert.Equal((SubscriberStatus.Unsubscribed, NewsletterLanguages.Arabic, (byte[]?)null), (left.Status, left.Languages, left.NameEncrypted));
        Assert.Equal(new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc), left.UpdatedAt);
        Assert.Null(left.ImportConsentId);

        var added = subscribers.Single(s => s.Id != existing);
        var protector = services.Scope().ServiceProvider.GetRequiredService<AddressProtector>();
        Assert.Equal("new@example.org", protector.Decrypt(added.EmailEncrypted));
        Assert.Equal(protector.BlindIndex("new@example.org"), added.EmailIndex);
        Assert.Equal("سلمى", protector.Decrypt(added.NameEncrypted!));
        Assert.Equal((SubscriberStatus.Active, NewsletterLanguages.Arabic), (added.Status, added.Languages));
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime, added.CreatedAt);
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime, added.ConfirmedAt);

        // One record for the import, named by the new row only; the language is the import's default, for rows
        // that name none (this row's own choice is on the row).
        Assert.Empty(consents);
        var import = Assert.Single(imports);
        Assert.Equal(import.Id, added.ImportConsentId);
        Assert.Equal(("cli-import:list.csv", "en", services.Clock.GetUtcNow().UtcDateTime), (import.Source, import.Language, import.At));
        var history = await services.InScopeAsync(sp => ConsentHistory.LoadAsync(sp.GetRequiredService<BroadsheetDb>(), added, Ct));
        var consent = Assert.Single(history);
        Assert.Equal((added.Id, ConsentAction.Signup, "cli-import:list.csv", "en", (byte[]?)null), (consent.SubscriberId, consent.Action, consent.Source, consent.Language, consent.IpHash));
        Assert.Empty(await services.InScopeAsync(sp => ConsentHistory.LoadAsync(sp.GetRequiredService<BroadsheetDb>(), left, Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_list_larger_than_one_transaction_gives_every_new_subscriber_and_no_other_the_one_import_consent(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        // Every hundredth row repeats the row before it; a thousand addresses are there already.
        var csv = await WriteCsvAsync(services, "large.csv", "email,language", 120_000, i =>
        {
            var n = i % 100 == 99 ? i - 1 : i;
            return $"reader{n}@example.net,{(n % 3 == 0 ? "both" : "")}";
        });

        await services.InScopeAsync(async sp =>
        {
            var protector = sp.GetRequiredService<AddressProtector>();
            var db = sp.GetRequiredService<BroadsheetDb>();
            for (var i = 0; i < 1_000; i++)
            {
                var address = $"reader{i * 100}@example.net";
                db.Subscribers.Add(new Subscriber
                {
                    EmailEncrypted = protector.Encrypt(address),
                    EmailIndex = protector.BlindIndex(address),
                    Status = SubscriberStatus.Pending,
                    CreatedAt = DateTime.UnixEpoch,
                    UpdatedAt = DateTime.UnixEpoch,
                });
            }

            return await db.SaveChangesAsync(Ct);
        });

        var result = await ImportAsync(services, csv, NewsletterLanguages.Arabic);

        Assert.Equal((117_800L, 1_000L, 1_200L, 0L, 0L), (result.Imported, result.AlreadySubscribed, result.DuplicatesInFile, result.Suppressed, result.Rejected));
        var (subscribers, consents, import, pointing, pendingPointing, both) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            var import = await db.ImportConsents.AsNoTracking().SingleAsync(Ct);
            return (
                await db.Subscribers.CountAsync(Ct),
                await db.Consents.CountAsync(Ct),
                import,
                await db.Subscribers.CountAsync(s => s.ImportConsentId == import.Id && s.Status == SubscriberStatus.Active, Ct),
                await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Pending && s.ImportConsentId == null, Ct),
                await db.Subscribers.CountAsync(s => s.ImportConsentId == import.Id && s.Languages == NewsletterLanguages.Both, Ct));
        });
        Assert.Equal((118_800, 0, 117_800, 1_000), (subscribers, consents, pointing, pendingPointing));
        Assert.Equal(("cli-import:large.csv", "ar"), (import.Source, import.Language));
        // Addresses 0, 3, 6 … asked for both (less those already there, reader0, reader100 … reader99900); the rest took the default.
        Assert.Equal(Enumerable.Range(0, 120_000).Count(n => n % 100 != 99 && n % 3 == 0 && !(n % 100 == 0 && n < 100_000)), both);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_suppressed_address_is_skipped_and_a_signup_finds_an_imported_subscriber(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        await services.InScopeAsync(sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            db.Suppressions.Add(new Suppression
            {
                AddressHash = sp.GetRequiredService<AddressProtector>().SuppressionHash("bounced@example.com"),
                Reason = SuppressionReason.Bounced,
                CreatedAt = DateTime.UnixEpoch,
            });
            return db.SaveChangesAsync(Ct);
        });

        var csv = Path.Combine(services.Environment.DataDirectory, "list.csv");
        await File.WriteAllTextAsync(csv, "email\nbounced@EXAMPLE.com\nkept@example.com\nKept@example.com\n", Ct);
        var result = await ImportAsync(services, csv, NewsletterLanguages.English);
        // The local part keeps its case (RFC 5321 leaves it to the receiving server): Kept@ is another reader.
        Assert.Equal((2L, 1L, 0L), (result.Imported, result.Suppressed, result.DuplicatesInFile));

        var signup = await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(
            new SignupRequest { Email = "kept@example.com", PageLanguage = "en", Source = "test" }, Ct));
        Assert.True(signup.Accepted);
        var rows = await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(SubscriberStatus.Active, r.Status));
        await services.DeliverAsync();
        Assert.Empty(Outbox.Messages(services.Environment));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_signup_landing_while_the_import_runs_is_left_alone_and_the_rest_of_its_batch_is_imported(DatabaseProvider provider)
    {
        // On PostgreSQL the importer reads the addresses already there, then COPies rows that cannot conflict
        // straight into the table; a signup after that read makes the COPY hit the unique blind index, and the
        // batch must be redone, not lost or half-written. On SQLite the same race goes through ON CONFLICT.
        await using var services = await TestServices.CreateAsync(provider);
        var csv = await WriteCsvAsync(services, "race.csv", "email,name", 3_000, i => $"racer{i}@example.net,Racer {i}");

        var result = await services.InScopeAsync(async sp =>
        {
            var importer = ActivatorUtilities.CreateInstance<SubscriberImporter>(sp);
            importer.BeforeWriting = ct => services.InScopeAsync(other => other.GetRequiredService<SubscriptionService>().SignupAsync(
                new SignupRequest { Email = "Racer1500@EXAMPLE.net".ToLowerInvariant(), PageLanguage = "ar", Source = "form" }, ct));
            return await importer.ImportAsync(SubscriberImporter.Inspect(csv), NewsletterLanguages.English, progress: null, Ct);
        });

        Assert.Equal((2_999L, 1L, 0L, 0L), (result.Imported, result.AlreadySubscribed, result.DuplicatesInFile, result.Rejected));
        var (subscribers, imports, imported, raced) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            var index = sp.GetRequiredService<AddressProtector>().BlindIndex("racer1500@example.net");
            var racer = await db.Subscribers.AsNoTracking().SingleAsync(s => s.EmailIndex == index, Ct);
            var imports = await db.ImportConsents.AsNoTracking().Select(i => i.Source).ToListAsync(Ct);
            return (
                await db.Subscribers.CountAsync(Ct),
                imports,
                await db.Subscribers.CountAsync(s => s.ImportConsentId != null, Ct),
                (racer.Status, racer.ImportConsentId, (await ConsentHistory.LoadAsync(db, racer, Ct)).Select(c => c.Source).ToList()));
        });

        Assert.Equal((3_000, 2_999), (subscribers, imported));
        Assert.Equal(["cli-import:race.csv"], imports);
        // The signup's own row and history, untouched by the import.
        Assert.Equal((SubscriberStatus.Pending, (long?)null), (raced.Status, raced.ImportConsentId));
        Assert.Equal(["form"], raced.Item3);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_second_run_of_a_large_file_changes_nothing_and_the_database_keeps_no_address_in_clear(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var csv = await WriteCsvAsync(services, "twice.csv", "email,name,language", 60_000, i => $"twice{i}@example.org,Name {i},{(i % 2 == 0 ? "ar" : "en")}");

        var first = await ImportAsync(services, csv, NewsletterLanguages.English);
        var second = await ImportAsync(services, csv, NewsletterLanguages.English);

        Assert.Equal((60_000L, 0L), (first.Imported, first.AlreadySubscribed));
        Assert.Equal((0L, 60_000L), (second.Imported, second.AlreadySubscribed));
        var (subscribers, imports, sample) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (await db.Subscribers.CountAsync(Ct), await db.ImportConsents.AsNoTracking().ToListAsync(Ct),
                await db.Subscribers.AsNoTracking().OrderBy(s => s.Id).Skip(31_234).FirstAsync(Ct));
        });

        // The second run added no one, so it left no consent record of its own.
        Assert.Equal(60_000, subscribers);
        Assert.Equal(Assert.Single(imports).Id, sample.ImportConsentId);

        var protector = services.Scope().ServiceProvider.GetRequiredService<AddressProtector>();
        var address = protector.Decrypt(sample.EmailEncrypted);
        Assert.StartsWith("twice", address, StringComparison.Ordinal);
        Assert.Equal(protector.BlindIndex(address), sample.EmailIndex);
        Assert.Equal("Name " + address["twice".Length..address.IndexOf('@', StringComparison.Ordinal)], protector.Decrypt(sample.NameEncrypted!));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_interrupted_import_keeps_whole_transactions_and_a_second_run_adds_exactly_the_rest(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        var csv = await WriteCsvAsync(services, "cut.csv", "email,name", 150_000, i => $"cut{i}@example.net,Reader {i}");

        // Stopped as soon as the first transaction has committed; the next may be half-way through its rows.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => services.InScopeAsync(sp =>
            ActivatorUtilities.CreateInstance<SubscriberImporter>(sp).ImportAsync(
                SubscriberImporter.Inspect(csv), NewsletterLanguages.English, new StopOnReport(stop), stop.Token)));

        var (kept, named, imports) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (await db.Subscribers.CountAsync(Ct), await db.Subscribers.CountAsync(s => s.ImportConsentId != null, Ct), await db.ImportConsents.CountAsync(Ct));
        });
        Assert.InRange(kept, 1, 149_999);
        // Transactions are whole chunks; one cut off part-way would have left the rows it had reached in index order.
        Assert.Equal(0, kept % SubscriberImporter.ChunkSize);
        Assert.Equal((kept, 1), (named, imports));
        Assert.False(File.Exists(Path.ChangeExtension(csv, ".rejected.csv.part")));

        var rest = await ImportAsync(services, csv, NewsletterLanguages.English);

        Assert.Equal((150_000L - kept, (long)kept), (rest.Imported, rest.AlreadySubscribed));
        var (all, imported, consents) = await services.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BroadsheetDb>();
            return (await db.Subscribers.CountAsync(Ct), await db.Subscribers.CountAsync(s => s.ImportConsentId != null, Ct), await db.ImportConsents.CountAsync(Ct));
        });
        // Each run that added someone has its own record.
        Assert.Equal((150_000, 150_000, 2), (all, imported, consents));
    }

    private sealed class StopOnReport(CancellationTokenSource stop) : IProgress<SubscriberImportProgress>
    {
        public void Report(SubscriberImportProgress value) => stop.Cancel();
    }

    [Fact]
    public void The_deduplication_set_and_the_existing_address_filter_never_forget_a_key()
    {
        var random = new Random(7);
        var keys = Enumerable.Range(0, 50_000).Select(_ => ((ulong)random.NextInt64(), (ulong)random.NextInt64())).Append((0UL, 0UL)).ToList();

        // Sized for fewer keys than it gets, so it has to grow on the way.
        var set = new BlindIndexSet(1_000);
        Assert.All(keys, k => Assert.True(set.Add(k)));
        Assert.All(keys, k => Assert.False(set.Add(k)));
        Assert.Equal(keys.Count, set.Count);

        var filter = new BlindIndexFilter(keys.Count);
        Assert.False(filter.MightContain(keys[0]));
        keys.ForEach(filter.Add);
        Assert.All(keys, k => Assert.True(filter.MightContain(k)));
        var falsePositives = Enumerable.Range(0, 50_000).Count(_ => filter.MightContain(((ulong)random.NextInt64(), (ulong)random.NextInt64())));
        Assert.InRange(falsePositives, 0, 1_000);
    }

    [Fact]
    public void A_packed_chunk_gives_back_every_row_as_it_was_added_and_grows_for_long_names()
    {
        var pool = new ImportChunk.Pool();
        var chunk = pool.Rent();
        var rows = Enumerable.Range(0, SubscriberImporter.ChunkSize).Select(i => (
            Email: Enumerable.Repeat((byte)i, 30 + (i % 200)).ToArray(),
            Index: Enumerable.Repeat((byte)(i * 7), 16).ToArray(),
            Name: i % 3 == 0 ? null : Enumerable.Repeat((byte)(i + 1), 400).ToArray(),
            Languages: 1 + (i % 3))).ToList();
        rows.ForEach(r => chunk.Add(r.Email, r.Index, r.Name, r.Languages));

        Assert.Equal(rows.Count, chunk.Count);
        var offset = 0;
        foreach (var expected in rows)
        {
            var row = chunk.At(offset);
            Assert.Equal(expected.Email, row.Email.ToArray());
            Assert.Equal(expected.Index, row.Index.ToArray());
            Assert.Equal(expected.Name is not null, row.HasName);
            Assert.Equal(expected.Name ?? [], row.Name.ToArray());
            Assert.Equal(expected.Languages, row.Languages);
            offset = row.Next;
        }

        Assert.Equal(chunk.Length, offset);
        pool.Return(chunk);
        Assert.Same(chunk, pool.Rent());
        Assert.Equal((0, 0), (chunk.Count, chunk.Length));
    }

    private static Task<SubscriberImportResult> ImportAsync(TestServices services, string path, NewsletterLanguages languages) =>
        services.InScopeAsync(sp => ActivatorUtilities.CreateInstance<SubscriberImporter>(sp)
            .ImportAsync(SubscriberImporter.Inspect(path), languages, progress: null, Ct));

    /// <summary>A CSV in the data folder: the header, then <paramref name="rows"/> lines made by <paramref name="row"/>.</summary>
    private static async Task<string> WriteCsvAsync(TestServices services, string name, string header, int rows, Func<int, string> row)
    {
        var csv = Path.Combine(services.Environment.DataDirectory, name);
        await using var writer = new StreamWriter(csv);
        await writer.WriteLineAsync(header);
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync(row(i));
        }

        return csv;
    }
}
