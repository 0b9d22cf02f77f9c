using System.Buffers;
using System.Collections.Concurrent;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>
/// Counts reads of article pages for the digest's ranking (<see cref="Readership"/>), without cookies, addresses or
/// anything else about the reader: only "post 12 was read once today".
/// </summary>
/// <remarks>
/// <para>
/// It sits before the output cache, so a page served from the cache is counted like one rendered afresh. The article
/// endpoint carries <see cref="Marker"/>; routing has already chosen it when this runs, so every other request pays one
/// metadata lookup. After the page is sent, a 200 answer to a GET counts; HEAD, 304, 404, the admin's preview (another
/// endpoint), prefetches and prerenders (<c>Sec-Purpose</c>, <c>Purpose</c>, <c>X-Purpose</c>, <c>X-Moz</c>) and clients
/// that are not a reader's browser do not. Those are a request without a <c>User-Agent</c> (every browser sends one)
/// and agents that say what they are: <c>bot</c> (Googlebot, Slackbot, Twitterbot, Discordbot, LinkedInBot…),
/// <c>crawl</c>, <c>spider</c>, <c>slurp</c>, <c>facebookexternalhit</c>, <c>WhatsApp</c>, <c>preview</c> (link
/// previewers), <c>embedly</c>, <c>headless</c>, and the scripting tools <c>curl</c>, <c>wget</c>, <c>python-</c>,
/// <c>Go-http-client</c>.
/// </para>
/// <para>
/// The page's post is found from its route's <c>{lang}</c> and <c>{slug}</c> through a map of (language, slug) to post
/// id: one indexed query the first time a slug is read, then a dictionary hit. The map is emptied whenever content
/// changes (it is an <see cref="IContentChangeListener"/>, like the page cache) and after ten minutes at most (the
/// page cache's own lifetime), so a slug another instance gave to a different post is not credited to the old one for
/// long. A failed look-up loses that one count and never the page: the page has been sent already.
/// </para>
/// </remarks>
internal sealed partial class ReadershipCounting(Readership readership, TimeProvider time, ILogger<ReadershipCounting> logger) : IContentChangeListener
{
    /// <summary>Endpoint metadata: a successful GET of this endpoint is a read of the post its route names.</summary>
    public static readonly Marker Counted = new();

    private const int MaxIds = 50_000;

    private static readonly TimeSpan IdLifetime = TimeSpan.FromMinutes(10);

    private static readonly SearchValues<string> NotReaders = SearchValues.Create(
        ["bot", "crawl", "spider", "slurp", "facebookexternalhit", "whatsapp", "preview", "embedly", "headless", "curl", "wget", "python-", "go-http-client"],
        StringComparison.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<(string Language, string Slug), int> _ids = new();
    private long _generation;
    private long _idsSince = time.GetTimestamp();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsRead(context))
        {
            await next(context);
            return;
        }

        await next(context);
        if (context.Response.StatusCode != StatusCodes.Status200OK ||
            context.Request.RouteValues["lang"] is not string language || context.Request.RouteValues["slug"] is not string slug)
        {
            return;
        }

        try
        {
            if (await PostIdAsync(context.RequestServices, language, slug) is { } postId)
            {
                readership.Count(postId);
            }
        }
#pragma warning disable CA1031 // The page has been sent: a failed count must not turn it into an error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogLookupFailed(e);
        }
    }

    public Task ContentChangedAsync(CancellationToken cancellationToken)
    {
        Forget();
        return Task.CompletedTask;
    }

    private static bool IsRead(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is null)
        {
            return false;
        }

        var headers = request.Headers;
        if (headers.ContainsKey("Sec-Purpose") || headers.ContainsKey("Purpose") || headers.ContainsKey("X-Purpose") || headers.ContainsKey("X-Moz"))
        {
            return false;
        }

        var agent = headers.UserAgent.ToString();
        return agent.Length > 0 && !agent.AsSpan().ContainsAny(NotReaders);
    }

    private async Task<int?> PostIdAsync(IServiceProvider services, string language, string slug)
    {
        if (time.GetElapsedTime(Interlocked.Read(ref _idsSince)) > IdLifetime)
        {
            Forget();
        }

        var key = (language, slug);
        if (_ids.TryGetValue(key, out var known))
        {
            return known;
        }

        // The page was just answered with this post, so the row is there; the (Language, Slug) index finds it.
        var generation = Interlocked.Read(ref _generation);
        var found = await services.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking()
            .Where(p => p.Language == language && p.Slug == slug)
            .Select(p => (int?)p.Id)
            .FirstOrDefaultAsync(CancellationToken.None);
        if (found is { } id && generation == Interlocked.Read(ref _generation) && _ids.Count < MaxIds)
        {
            _ids[key] = id;
            // Content changed while we looked: what we found may be the old answer, so do not keep it.
            if (generation != Interlocked.Read(ref _generation))
            {
                _ids.TryRemove(new KeyValuePair<(string, string), int>(key, id));
            }
        }

        return found;
    }

    private void Forget()
    {
        Interlocked.Increment(ref _generation);
        _ids.Clear();
        Interlocked.Exchange(ref _idsSince, time.GetTimestamp());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A page view could not be counted")]
    private partial void LogLookupFailed(Exception exception);

    /// <summary>See <see cref="Counted"/>.</summary>
    internal sealed class Marker;
}

/// <summary>
/// Writes the page views waiting in <see cref="Readership"/> to the database every
/// <see cref="NewsletterOptions.ReadershipFlushInterval"/>, and once more when the app has stopped (after the server,
/// so the last requests are in it). A failed write keeps the views for the next one.
/// </summary>
internal sealed partial class ReadershipFlusher(
    Readership readership,
    IServiceScopeFactory scopes,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    ILogger<ReadershipFlusher> logger) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var configured = options.Value.Newsletter.ReadershipFlushInterval;
        using var timer = new PeriodicTimer(configured < MinInterval ? MinInterval : configured, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The last flush: every hosted service, the web server among them, has stopped by now.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (readership.Waiting == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await readership.FlushAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>(), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogFlushCancelled(readership.Waiting);
        }
#pragma warning disable CA1031 // The views stay in memory and the next tick tries again; the loop must go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFlushFailed(e, readership.Waiting);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page views could not be written; {Waiting} post-days wait for the next try")]
    private partial void LogFlushFailed(Exception exception, int waiting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped before page views were written; {Waiting} post-days were not saved")]
    private partial void LogFlushCancelled(int waiting);
}

/// <summary>Wires readership counting into the web host (the CLI has the aggregator, which then never counts).</summary>
internal static class ReadershipCountingSetup
{
    /// <summary>
    /// Call before the page cache registers its <see cref="IContentChangeListener"/>: code that asks for a single
    /// listener must keep getting the page cache, the last one registered (the settings page now takes them all).
    /// </summary>
    public static IServiceCollection AddReadershipCounting(this IServiceCollection services)
    {
        services.AddSingleton<ReadershipCounting>();
        services.AddSingleton<IContentChangeListener>(sp => sp.GetRequiredService<ReadershipCounting>());
        services.AddHostedService<ReadershipFlusher>();
        return services;
    }

    /// <summary>Call before <c>UseOutputCache</c>, so cached pages are counted too, and after <c>UseRouting</c>.</summary>
    public static IApplicationBuilder UseReadershipCounting(this IApplicationBuilder app)
    {
        var counting = app.ApplicationServices.GetRequiredService<ReadershipCounting>();
        return app.Use(next => context => counting.InvokeAsync(context, next));
    }
}
