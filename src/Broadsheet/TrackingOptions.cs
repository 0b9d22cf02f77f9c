namespace Broadsheet;

/// <summary>Reader tracking in newsletters: both off unless an administrator turns them on.</summary>
public sealed class TrackingOptions
{
    /// <summary>A tracking pixel in each newsletter (who opened it).</summary>
    public bool Opens { get; set; }

    /// <summary>Links in newsletters go through a redirect that counts clicks.</summary>
    public bool Clicks { get; set; }
}
