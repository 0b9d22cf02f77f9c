using Broadsheet.Delivery;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Broadsheet.Web.Admin;
using Broadsheet.Web.Api;
using Broadsheet.Web.Site;
using Microsoft.AspNetCore.OutputCaching;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.FileProviders;

namespace Broadsheet.Web;

/// <summary>Builds the web application. Tests build it the same way, on a real Kestrel port.</summary>
public static class BroadsheetHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The slim builder leaves out what we do not use (IIS, hosting startup assemblies, regex route
        // constraints), which is a tenth of the start-up time.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the binary; the data folder is resolved from the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        var options = builder.Services.AddBroadsheet(builder.Configuration);
        // Read before anything starts: a mistyped proxy address stops the start with a message (see Program.cs).
        var forwarded = ForwardedHeadersSetup.Read(builder.Configuration);
        if (options.Database.Provider == DatabaseProvider.Postgres)
        {
            // Other instances' changes reach this one's caches and settings (SQLite is one instance by design).
            builder.Services.AddHostedService<ClusterWorker>();
        }

        builder.Services.AddHostedService<ScheduledPostPublisher>();
        builder.Services.AddHostedService<Broadsheet.Newsletter.DigestWorker>();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddHostedService<BounceWorker>();
        // The delivery worker finishes in-flight mail within its drain time; the host waits a little longer than that.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = DeliveryDispatcher.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddRazorComponents();
        // Arabic is text, not something to escape: without this every Arabic letter would go out as an entity.
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddOutputCache(o => o.AddPolicy(SiteCache.Policy, SiteCache.Configure));
        builder.Services.AddReadershipCounting();
        builder.Services.AddSingleton<IContentChangeListener, SiteCache>();
        builder.Services.AddScoped<SiteQueries>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddRouting(o => o.ConstraintMap["lang"] = typeof(LanguageRouteConstraint));
        builder.Services.AddRateLimiter(SubscriptionLimits.Configure);
        builder.Services.AddAdmin(options);
        var gate = new StartupGate();
        builder.Services.AddSingleton(gate);

        var app = builder.Build();
        // A DKIM setting without its key must stop the start with a clear message, not surface at the first send.
        app.Services.GetRequiredService<DkimMessageSigner>();
        // So must a malformed privacy master key (and the key file is made here on a first run without one).
        app.Services.GetRequiredService<Broadsheet.Privacy.PrivacyKeys>();
        _ = PrepareAsync(app, options, gate);

        if (forwarded is not null)
        {
            // First, so the rate limits, the error pages and the cookie's Secure flag all see the reader's address and scheme.
            app.UseForwardedHeaders(forwarded);
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ErrorPages.HandleExceptionAsync, AllowStatusCode404Response = true });
        // Until the database is ready every request waits (at most the start-up time), and /healthz with them.
        app.Use(async (context, next) =>
        {
            if (!gate.Ready.IsCompletedSuccessfully)
            {
                await gate.Ready.WaitAsync(context.RequestAborted);
            }

            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new ManifestEmbeddedFileProvider(typeof(BroadsheetHost).Assembly, "Assets"),
            RequestPath = "/assets",
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=86400",
        });
        app.UseRouting();
        // The admin's cookie is scoped to /admin, so public pages never carry one and never pay for this.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseReadershipCounting();
        app.UseOutputCache();

        app.MapHealthChecks("/healthz");
        app.MapSubscriptions();
        app.MapApi();
        app.MapAdmin();
        app.MapMedia();
        app.MapNewsletterTracking();
        app.MapSite();
        return app;
    }

    private static async Task WarmUpAsync(IServiceProvider services, string language)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SiteQueries>().HomeAsync(language, CancellationToken.None);
        }
#pragma warning disable CA1031 // Only a head start: a failure here shows up, and is handled, on the real request.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static async Task PrepareAsync(WebApplication app, BroadsheetOptions options, StartupGate gate)
    {
        try
        {
            await Task.Yield();
            var stopping = app.Lifetime.ApplicationStopping;
            await using var scope = app.Services.CreateAsyncScope();
            var created = await BroadsheetData.MigrateAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>(), stopping);
            // While the rest is prepared, the other core compiles the front page's queries, so the first reader does not
            // pay for it. It only reads posts (nothing the privacy key protects), and throws the result away.
            var warmUp = Task.Run(() => WarmUpAsync(app.Services, options.DefaultLanguage), stopping);
            // Before anything reads or writes what the privacy key protects: an instance with another key stops here.
            await scope.ServiceProvider.GetRequiredService<Broadsheet.Privacy.PrivacyKeyCheck>().VerifyAsync(stopping);
            // The admin's key ring (its own scope and connection) is read on the other core meanwhile: nothing below
            // needs it, and the gate waits for it.
            var keyRing = Task.Run(() => SharedKeyRing.PrepareAsync(app.Services, stopping), stopping);
            await scope.ServiceProvider.GetRequiredService<SettingsService>().ApplySavedAsync(stopping);
            // Demo content goes into a database this start created, never into one an editor has emptied.
            if (created && options.SeedDemoContent)
            {
                await scope.ServiceProvider.GetRequiredService<DemoContentLoader>().LoadIfEmptyAsync(stopping);
            }

            // Only a scheduling instance publishes posts that fell due during downtime (Broadsheet:Workers:Scheduler):
            // the others leave it to the one whose job it is.
            if (options.Workers.Scheduler)
            {
                await scope.ServiceProvider.GetRequiredService<PostService>().PublishDueAsync(stopping);
            }

            await keyRing;
            gate.Open();
            await warmUp;
        }
        catch (Broadsheet.Privacy.PrivacyKeyMismatchException e)
        {
            // The operator's to fix, and nothing was written: the reason alone, without a stack trace.
            gate.Fail(e);
            StartupLog.Refused(app.Logger, e.Message);
            Environment.ExitCode = 1;
            app.Lifetime.StopApplication();
        }
#pragma warning disable CA1031 // Any failure here must stop the app with a message, not leave it serving errors.
        catch (Exception e)
#pragma warning restore CA1031
        {
            gate.Fail(e);
            app.Logger.LogCritical(e, "The database could not be prepared; stopping");
            Environment.ExitCode = 1;
            app.Lifetime.StopApplication();
        }
    }
}
