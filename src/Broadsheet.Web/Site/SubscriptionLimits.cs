using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>
/// Rate limits on the signup and confirmation POSTs: per client address, and for everyone together, so
/// neither one machine nor a botnet can turn the signup form into a mail cannon. Reads are not limited.
/// </summary>
internal static class SubscriptionLimits
{
    public const int PerClientPerMinute = 10;
    public const int AllClientsPerMinute = 600;

    public static void Configure(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsLimited(context)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = PerClientPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("reads")),
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsLimited(context)
                ? RateLimitPartition.GetFixedWindowLimiter("all",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = AllClientsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("reads")));
        options.OnRejected = async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            var settings = http.RequestServices.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
            var text = SiteText.For(SiteRoutes.LanguageOfRequest(http, settings));
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
            {
                http.Response.Headers.RetryAfter = ((int)retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(text.TooManyRequests + "\n", cancellationToken);
        };
    }

    private static bool IsLimited(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && IsSubscriptionPath(context.Request.Path);

    // Unsubscribe and preferences are not limited: they act on a signed token, and one-click unsubscribes
    // arrive in bulk from the few addresses of the big mail providers, which must never be turned away.
    private static bool IsSubscriptionPath(PathString path) =>
        path.StartsWithSegments("/confirm", StringComparison.Ordinal) ||
        (path.Value?.EndsWith("/subscribe", StringComparison.Ordinal) ?? false);
}
