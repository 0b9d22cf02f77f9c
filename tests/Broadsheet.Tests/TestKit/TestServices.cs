using Broadsheet.Data;
using Broadsheet.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Broadsheet.Tests.TestKit;

/// <summary>The library's services wired as the host wires them, on a test database, with a clock the test controls.</summary>
public sealed class TestServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private bool _ownsEnvironment;

    private TestServices(TestEnvironment environment, ServiceProvider provider, FakeTimeProvider clock)
    {
        Environment = environment;
        _provider = provider;
        Clock = clock;
    }

    public TestEnvironment Environment { get; }
    public FakeTimeProvider Clock { get; }
    public RecordingChangeListener Changes => _provider.GetRequiredService<RecordingChangeListener>();

    public static async Task<TestServices> CreateAsync(DatabaseProvider provider, DateTimeOffset? now = null) =>
        (await CreateAsync(await TestEnvironment.CreateAsync(provider), now)).OwningEnvironment();

    /// <summary>With extra settings (e.g. <c>Broadsheet:Mail:Delivery:MaxAttempts</c>) and services (e.g. a scripted transport).</summary>
    public static async Task<TestServices> CreateAsync(
        DatabaseProvider provider, IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null, DateTimeOffset? now = null) =>
        (await CreateAsync(await TestEnvironment.CreateAsync(provider), now, settings, configure)).OwningEnvironment();

    /// <summary>Services on an existing environment, e.g. to look at what a CLI child process wrote; the caller keeps the environment.</summary>
    public static async Task<TestServices> CreateAsync(
        TestEnvironment environment, DateTimeOffset? now = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var clock = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        var all = environment.Settings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<RecordingChangeListener>();
        services.AddSingleton<global::Broadsheet.Publishing.IContentChangeListener>(sp => sp.GetRequiredService<RecordingChangeListener>());
        configure?.Invoke(services);
        services.AddBroadsheet(configuration);
        var built = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using (var scope = built.CreateAsyncScope())
        {
            await BroadsheetData.MigrateAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>());
        }

        return new TestServices(environment, built, clock);
    }

    private TestServices OwningEnvironment()
    {
        _ownsEnvironment = true;
        return this;
    }

    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    /// <summary>Runs work in a fresh scope (a fresh DbContext), as one request would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (_ownsEnvironment)
        {
            await Environment.DisposeAsync();
        }
    }
}
