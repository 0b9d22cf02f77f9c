using Broadsheet.Subscribers;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>How many subscribers there are in each status and for each choice of newsletter languages.</summary>
public sealed record SubscriberCounts(IReadOnlyDictionary<SubscriberStatus, int> ByStatus, IReadOnlyDictionary<NewsletterLanguages, int> ByLanguages)
{
    public int Total => ByStatus.Values.Sum();

    public int Status(SubscriberStatus status) => ByStatus.GetValueOrDefault(status);

    public int Languages(NewsletterLanguages languages) => ByLanguages.GetValueOrDefault(languages);
}
