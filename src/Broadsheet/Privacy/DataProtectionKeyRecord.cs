namespace Broadsheet.Privacy;

/// <summary>
/// One of the admin's data-protection keys (they seal sign-in cookies and form tokens), kept in the database so every
/// instance reads the same ring. Its secret part is sealed by <see cref="KeyRingSealer"/>; the rest (id, dates,
/// algorithms) is the framework's XML as it is.
/// </summary>
public sealed class DataProtectionKeyRecord
{
    public int Id { get; set; }

    /// <summary>The framework's name for the key, e.g. <c>key-3f2a…</c>.</summary>
    public string? FriendlyName { get; set; }

    public string Xml { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
