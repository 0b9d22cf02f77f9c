namespace Broadsheet;

/// <summary><c>Broadsheet:Workers</c>: which background work this instance does (every instance serves the site).</summary>
public sealed class WorkersOptions
{
    /// <summary>Send mail from the outbox.</summary>
    public bool Delivery { get; set; } = true;

    /// <summary>Publish scheduled posts (and, later, prepare digest editions).</summary>
    public bool Scheduler { get; set; } = true;
}
