using Broadsheet.Publishing;
using Broadsheet.Web.Site;
using Microsoft.AspNetCore.OutputCaching;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.FileProviders;

namespace Broadsheet.Web;

/// <summary>Builds the web application. Tests build it the same way, on a real Kestrel port.</summary>
public static class BroadsheetHost
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the binary; the data folder is resolved from the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        var options = builder.Services.AddBroadsheet(builder.Configuration);
        builder.Services.AddHostedService<ScheduledPostPublisher>();
        builder.Services.AddRazorComponents();
        // Arabic is text, not something to escape: without this every Arabic letter would go out as an entity.
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddOutputCache(o => o.AddPolicy(SiteCache.Policy, SiteCache.Configure));
        builder.Services.AddSingleton<IContentChangeListener, SiteCache>();
        builder.Services.AddScoped<SiteQueries>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddRouting(o => o.ConstraintMap["lang"] = typeof(LanguageRouteConstraint));

        var app = builder.Build();
        await BroadsheetServices.PrepareDatabaseAsync(app.Services, options);

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ErrorPages.HandleExceptionAsync, AllowStatusCode404Response = true });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new ManifestEmbeddedFileProvider(typeof(BroadsheetHost).Assembly, "Assets"),
            RequestPath = "/assets",
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=86400",
        });
        app.UseRouting();
        app.UseOutputCache();

        app.MapHealthChecks("/healthz");
        app.MapSite();
        return app;
    }
}
