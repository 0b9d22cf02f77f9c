using System.Security.Cryptography;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// Several instances of the real host (<see cref="HostProcess"/>) on one test environment's database, started together
/// as a deployment would start them, each with a data folder of its own and the same privacy master key. Disposing
/// kills whatever is still running.
/// </summary>
public sealed class HostCluster : IAsyncDisposable
{
    private readonly List<HostProcess> _hosts;

    private HostCluster(List<HostProcess> hosts) => _hosts = hosts;

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    public HostProcess this[string name] => _hosts.Single(h => h.Name == name);

    /// <summary>Every instance's log, for a failure message.</summary>
    public string Logs => string.Join('\n', _hosts.Select(h => h.Log));

    /// <summary>A fresh master key (base64 of 32 random bytes), as <c>openssl rand -base64 32</c> makes one.</summary>
    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Starts one instance per name at the same time and waits until every one is healthy; if any fails, the others
    /// are killed and the failure (with its log) is thrown.
    /// </summary>
    /// <param name="masterKey">Every instance's <c>Broadsheet:Privacy:MasterKey</c>: several instances must share one.</param>
    /// <param name="variables">Per instance name, its environment variables over the environment's settings.</param>
    public static async Task<HostCluster> StartAsync(TestEnvironment environment, string masterKey, IReadOnlyDictionary<string, Dictionary<string, string?>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var starting = variables.Select(instance =>
        {
            var own = new Dictionary<string, string?>(instance.Value) { ["Broadsheet__Privacy__MasterKey"] = masterKey };
            return HostProcess.StartAsync(environment, instance.Key, own);
        }).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        return new HostCluster(starting.Select(t => t.Result).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
