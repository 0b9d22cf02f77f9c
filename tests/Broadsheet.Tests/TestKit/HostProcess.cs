using System.Net;
using System.Text.RegularExpressions;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// The real web host as a child process (<c>dotnet Broadsheet.Web.dll --urls http://127.0.0.1:0</c>), as an operator
/// runs one instance of several: its configuration in environment variables (the test environment's, then the
/// caller's), a data folder of its own under the environment's, and the database the environment names. Ready when
/// <c>/healthz</c> answers 200. A test stops it with SIGTERM, kills it with SIGKILL, or leaves it to be killed on dispose.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    /// <summary>How long a start may take: three Debug hosts starting together on two busy cores are slow, not broken.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly RunningCli _process;

    private HostProcess(string name, string dataDirectory, RunningCli process, Uri baseAddress)
    {
        Name = name;
        DataDirectory = dataDirectory;
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
    }

    /// <summary>The test's name for this instance (also the name of its data folder).</summary>
    public string Name { get; }

    public string DataDirectory { get; }

    /// <summary>Where it listens: 127.0.0.1 and the port Kestrel chose.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client of this instance alone: no redirects followed, no cookies kept.</summary>
    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it wrote (its console log, then standard error), for a failure message.</summary>
    public string Log => $"--- {Name} (pid {_process.Id}) standard output ---\n{_process.Output}--- {Name} standard error ---\n{_process.Error}";

    /// <summary>
    /// Starts an instance and waits until it answers <c>/healthz</c> with 200 (its database migrated and reachable).
    /// </summary>
    /// <param name="name">A short name; its data folder is <c>{environment}/{name}</c>.</param>
    /// <param name="variables">Environment variables (<c>Broadsheet__Workers__Delivery</c>, …) over the environment's settings.</param>
    /// <exception cref="InvalidOperationException">It exited, or did not become healthy in time; the message carries its log.</exception>
    public static async Task<HostProcess> StartAsync(TestEnvironment environment, string name, IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(variables);
        var data = Directory.CreateDirectory(Path.Combine(environment.DataDirectory, name)).FullName;
        var all = new Dictionary<string, string?>
        {
            ["Broadsheet__DataDirectory"] = data,
            // The console log says where Kestrel listens (port 0: its own choice, so parallel tests never collide).
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in variables)
        {
            all[key] = value;
        }

        var process = CliProcess.Start(environment, all, "--urls", "http://127.0.0.1:0");
        HostProcess? host = null;
        try
        {
            var listening = await process.WaitForOutputAsync(Listening(), StartTimeout);
            host = new HostProcess(name, data, process, new Uri(listening.Groups[1].Value));
            await host.WaitHealthyAsync(DateTime.UtcNow + StartTimeout);
            return host;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var log = $"--- {name} standard output ---\n{process.Output}--- {name} standard error ---\n{process.Error}";
            if (host is not null)
            {
                await host.DisposeAsync();
            }
            else
            {
                await process.DisposeAsync();
            }

            throw new InvalidOperationException($"Host {name} did not start: {e.Message}\n{log}", e);
        }
    }

    /// <summary>kill -9: no chance to finish anything, as in a crash or an OOM kill.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, as a service manager stops it, then waits for it to exit.</summary>
    public Task TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }

    private async Task WaitHealthyAsync(DateTime deadline)
    {
        // Requests wait on the host's start-up gate, so the first /healthz normally answers once the database is
        // ready; a 503 (database not reachable yet) or a refused connection is asked again until the deadline.
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"it exited with code {ExitCode} before /healthz answered 200");
            }

            try
            {
                using var attempt = new CancellationTokenSource(deadline - DateTime.UtcNow);
                using var response = await Client.GetAsync(new Uri("/healthz", UriKind.Relative), attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                last = e.GetType().Name;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"/healthz did not answer 200 within {StartTimeout.TotalSeconds:0} s (last: {last})");
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
