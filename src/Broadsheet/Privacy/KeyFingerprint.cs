namespace Broadsheet.Privacy;

/// <summary>
/// The fingerprint of a key that every instance on this database must share (the privacy master key), stored by the
/// first instance that starts, so any later one with another key is refused instead of writing what the others cannot
/// read. Never the key, nor anything that helps recover it.
/// </summary>
public sealed class KeyFingerprint
{
    /// <summary>Which key, e.g. <see cref="PrivacyKeyCheck.MasterKeyName"/>.</summary>
    public string Name { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
