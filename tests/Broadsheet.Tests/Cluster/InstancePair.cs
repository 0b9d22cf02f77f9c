using System.Diagnostics;
using System.Security.Cryptography;
using Broadsheet.Cluster;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Broadsheet.Tests.Cluster;

/// <summary>
/// Two in-process hosts on one database, each with its own data folder, as two machines behind one proxy would be.
/// Both get the same privacy master key (every instance must). B is stopped first; A owns the database.
/// </summary>
internal sealed class InstancePair : IAsyncDisposable
{
    private InstancePair(TestSite a, TestSite b)
    {
        A = a;
        B = b;
    }

    public TestSite A { get; }
    public TestSite B { get; }

    public static async Task<InstancePair> StartAsync(
        DatabaseProvider provider = DatabaseProvider.Postgres, IDictionary<string, string?>? settingsA = null, IDictionary<string, string?>? settingsB = null)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var environment = await TestEnvironment.CreateAsync(provider);
        var a = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: true, With(settingsA, key));
        try
        {
            var shared = await TestEnvironment.CreateSharingAsync(environment);
            var b = await TestSite.StartAsync(shared, demoContent: false, services: null, ownsEnvironment: true, With(settingsB, key));
            return new InstancePair(a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="site"/>'s listening connection is up and has said <c>LISTEN</c> (seen from the server,
    /// in <c>pg_stat_activity</c>), and answers its backend's process id; <paramref name="not"/> skips a connection
    /// that is known to be dead.
    /// </summary>
    public static async Task<int> ListenerPidAsync(TestSite site, int? not = null)
    {
        var name = ClusterListener.ApplicationNameOf(site.Services.GetRequiredService<ClusterInstance>().Id);
        await using var connection = new NpgsqlConnection(site.Environment.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var command = new NpgsqlCommand(
                // The last statement of an idle listener is its LISTEN, or Npgsql's keepalive once it has waited a while.
                "SELECT pid FROM pg_stat_activity WHERE application_name = @name AND datname = current_database() AND pid <> @not " +
                "AND (query LIKE 'LISTEN%' OR query LIKE 'SELECT NULL%')", connection))
            {
                command.Parameters.AddWithValue("name", name);
                command.Parameters.AddWithValue("not", not ?? 0);
                if (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) is int pid)
                {
                    return pid;
                }
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"{name} is not listening after 15 s.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Asks <paramref name="path"/> of <paramref name="site"/> until the page contains <paramref name="text"/>; answers how
    /// long that took, or fails after <paramref name="patience"/>.
    /// </summary>
    public static async Task<TimeSpan> UntilServedAsync(TestSite site, string path, string text, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (_, body) = await site.Client.FetchAsync(path);
            if (body.Contains(text, StringComparison.Ordinal))
            {
                return clock.Elapsed;
            }

            Assert.True(clock.Elapsed < patience, $"{path} did not show \"{text}\" within {patience.TotalSeconds} s.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static Dictionary<string, string?> With(IDictionary<string, string?>? settings, string key)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Broadsheet:Privacy:MasterKey"] = key };
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
