using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Cluster;

/// <summary>
/// Three instances of the real host that only serve (the site and the admin; no sending, no scheduling) on one
/// PostgreSQL database, shared by <see cref="ThreeInstanceTests"/>' reading tests so the class pays for one start of
/// three processes rather than one per test. Started on first use, so a machine without PostgreSQL skips the test that
/// asked (and CI fails it) instead of failing the fixture.
/// </summary>
public sealed class ThreeSiteInstances : IAsyncDisposable
{
    public static readonly string[] Names = ["a", "b", "c"];

    private readonly SemaphoreSlim _starting = new(1, 1);
    private string? _key;
    private TestEnvironment? _environment;
    private TestServices? _library;
    private HostCluster? _cluster;

    /// <summary>The running instances and the library on their database (with their master key), started on first call.</summary>
    public async Task<(HostCluster Cluster, TestServices Library)> StartAsync()
    {
        await _starting.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_cluster is not null && _library is not null)
            {
                return (_cluster, _library);
            }

            _environment ??= await TestEnvironment.CreateAsync(DatabaseProvider.Postgres);
            _key ??= HostCluster.NewMasterKey();
            _library ??= await TestServices.CreateAsync(_environment, DateTimeOffset.UtcNow, new Dictionary<string, string?> { ["Broadsheet:Privacy:MasterKey"] = _key });
            _cluster = await HostCluster.StartAsync(_environment, _key, Names.ToDictionary(name => name, _ => new Dictionary<string, string?>
            {
                ["Broadsheet__Workers__Delivery"] = "false",
                ["Broadsheet__TimeZone"] = "UTC",
            }));
            return (_cluster, _library);
        }
        finally
        {
            _starting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_library is not null)
        {
            await _library.DisposeAsync();
        }

        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }

        _starting.Dispose();
    }
}
