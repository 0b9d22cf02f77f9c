namespace Broadsheet.Cluster;

/// <summary>What one instance tells the others through PostgreSQL (<see cref="ClusterChannel"/>).</summary>
public enum ClusterChange
{
    /// <summary>Public content changed: drop cached pages and whatever else was derived from posts.</summary>
    Content,

    /// <summary>An administrator saved the settings: read them again (and drop cached pages, which show some of them).</summary>
    Settings,

    /// <summary>A send was created or resumed, or a confirmation queued: sending instances look for work now, not at their next poll.</summary>
    Delivery,
}
