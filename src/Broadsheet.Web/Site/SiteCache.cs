using Broadsheet.Publishing;
using Microsoft.AspNetCore.OutputCaching;

namespace Broadsheet.Web.Site;

/// <summary>The public pages' output cache: one tag for all of it, dropped whenever content changes.</summary>
internal sealed class SiteCache(IOutputCacheStore store) : IContentChangeListener
{
    public const string Policy = "site";
    public const string Tag = "site";

    public static void Configure(OutputCachePolicyBuilder policy) =>
        policy.Tag(Tag)
            // Only paging changes a page: other query parameters neither split the cache nor reach the handler.
            .SetVaryByQuery("page")
            .Expire(TimeSpan.FromMinutes(10));

    public Task ContentChangedAsync(CancellationToken cancellationToken) =>
        store.EvictByTagAsync(Tag, cancellationToken).AsTask();
}
