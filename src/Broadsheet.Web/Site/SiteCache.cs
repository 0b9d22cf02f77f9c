using Broadsheet.Publishing;
using Microsoft.AspNetCore.OutputCaching;

namespace Broadsheet.Web.Site;

/// <summary>The public pages' output cache: one tag for all of it, dropped whenever content changes.</summary>
internal sealed class SiteCache(IOutputCacheStore store) : IContentChangeListener
{
    public const string Policy = "site";
    public const string Tag = "site";

    /// <summary>How long a cached page lives when no change drops it first.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static void Configure(OutputCachePolicyBuilder policy) =>
        policy.Tag(Tag)
            // Only paging changes a page: other query parameters neither split the cache nor reach the handler.
            .SetVaryByQuery("page")
            .Expire(Lifetime);

    public Task ContentChangedAsync(CancellationToken cancellationToken) =>
        store.EvictByTagAsync(Tag, cancellationToken).AsTask();
}
