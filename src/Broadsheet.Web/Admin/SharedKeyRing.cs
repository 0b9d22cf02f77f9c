using Broadsheet.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Admin;

/// <summary>
/// The admin's data-protection keys (they seal sign-in cookies and form tokens), shared by every instance through the
/// database (<see cref="DatabaseKeyRepository"/>), their secret part sealed under the privacy master key
/// (<see cref="SealedKeyEncryptor"/>).
/// </summary>
internal static class SharedKeyRing
{
    // pg_advisory_xact_lock takes a bigint; "bs-dpkey" in ASCII, unlikely to be any other application's on a shared server.
    private const long FirstKeyLock = 0x62732d64706b6579;

    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services)
    {
        // One application name everywhere: by default the framework isolates applications by their content root,
        // which differs between machines, and keys made by one instance would not open another's cookies.
        services.AddDataProtection().SetApplicationName("Broadsheet");
        // The framework reads the ring at host start, which is before the migrations (on a new database the table is
        // not there yet) and outside the lock below; PrepareAsync reads it instead, once the database is ready.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService") is { } startupRead)
        {
            services.Remove(startupRead);
        }

        services.AddSingleton<DatabaseKeyRepository>();
        services.AddSingleton<SealedKeyEncryptor>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = provider.GetRequiredService<DatabaseKeyRepository>();
            o.XmlEncryptor = provider.GetRequiredService<SealedKeyEncryptor>();
        }));
        return services;
    }

    /// <summary>
    /// Makes sure a usable key exists, made by one instance at a time, and reads the ring. Called at start, after the
    /// privacy key check. Left to the framework, the first key is made at the first sign-in, by whichever instances
    /// get one at that moment: two keys made at once leave each instance with a ring that lacks the other's until
    /// its daily refresh, and a cookie from one is refused by the other for up to a day.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var keyManager = services.GetRequiredService<IKeyManager>();
        var lifetime = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();

            // On PostgreSQL instances starting together wait for each other here; the lock ends with the transaction.
            // The key itself is written on another connection (the repository's), which the lock does not hinder. One
            // SQLite file has one instance, so there is nothing to wait for (and a write transaction would block that
            // other connection).
            await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            if (transaction is not null)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({FirstKeyLock})", cancellationToken);
            }

            // The framework judges keys by the system clock, not an injected one, so this check does too.
            var now = TimeProvider.System.GetUtcNow();
            if (!keyManager.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            {
                keyManager.CreateNewKey(now, now + lifetime);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        // Reading the ring now rather than at the first request also starts the framework's window (two minutes) in
        // which a cookie under a key it has not seen makes it read the ring again instead of refusing the cookie.
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Broadsheet.KeyRing").Protect([]);
    }
}
