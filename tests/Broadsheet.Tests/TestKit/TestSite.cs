using Broadsheet.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Tests.TestKit;

/// <summary>The real host on a real Kestrel port on 127.0.0.1, on a test database.</summary>
public sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsEnvironment;

    private TestSite(WebApplication app, TestEnvironment environment, bool ownsEnvironment)
    {
        _app = app;
        Environment = environment;
        _ownsEnvironment = ownsEnvironment;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    public TestEnvironment Environment { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestSite> StartAsync(DatabaseProvider provider, bool demoContent = true, Action<IServiceCollection>? services = null) =>
        await StartAsync(await TestEnvironment.CreateAsync(provider), demoContent, services, ownsEnvironment: true);

    /// <summary>Starts a host on an existing environment, e.g. to restart "the app" on the same database.</summary>
    /// <param name="settings">Configuration on top of the environment's, e.g. a webhook secret or a transport.</param>
    public static async Task<TestSite> StartAsync(
        TestEnvironment environment, bool demoContent, Action<IServiceCollection>? services, bool ownsEnvironment, IDictionary<string, string?>? settings = null)
    {
        var app = BroadsheetHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(environment.Settings(demoContent));
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<StartupGate>().Ready;
        // On PostgreSQL the listener's first refresh drops the page cache; a test that cached a page before it (on a
        // busy machine the listener connects late) would see that page dropped for no reason of its own.
        if (app.Services.GetService<Broadsheet.Cluster.ClusterListener>() is { } listener)
        {
            await listener.CaughtUp.WaitAsync(TimeSpan.FromSeconds(60));
        }

        return new TestSite(app, environment, ownsEnvironment);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsEnvironment)
        {
            await Environment.DisposeAsync();
        }
    }
}
