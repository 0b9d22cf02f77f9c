namespace Broadsheet.Tests.Site;

/// <summary>The limits the flood test expects, read from the host so the test follows the setting.</summary>
internal static class SubscriptionLimitsFacts
{
    public static int PerClientPerMinute => Broadsheet.Web.Site.SubscriptionLimits.PerClientPerMinute;
}
