using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Site;

/// <summary>One seeded site per database for the read-only page tests; started once and shared by a class.</summary>
public abstract class SeededSite(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite? _site;

    public TestSite Site => _site ?? throw new InvalidOperationException("The site did not start.");

    public async ValueTask InitializeAsync()
    {
        if (provider == DatabaseProvider.Postgres && PostgresServer.AdminConnectionString is null)
        {
            return; // Each test reports the missing server itself (skip, or fail under CI).
        }

        _site = await TestSite.StartAsync(provider, demoContent: false);
        await SiteFixture.SeedAsync(_site);
    }

    /// <summary>The running site, or a skip (a failure under CI) when its database is not available.</summary>
    public TestSite Require()
    {
        if (_site is null)
        {
            Requirement.Missing($"PostgreSQL is not configured: set {PostgresServer.Variable}; .ci/run does this.");
        }

        return Site;
    }

    public async ValueTask DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SeededSqliteSite() : SeededSite(DatabaseProvider.Sqlite);

public sealed class SeededPostgresSite() : SeededSite(DatabaseProvider.Postgres);
