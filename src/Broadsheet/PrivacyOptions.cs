namespace Broadsheet;

/// <summary>The <c>Broadsheet:Privacy</c> section.</summary>
public sealed class PrivacyOptions
{
    /// <summary>Base64 of 32 random bytes. When empty, <c>privacy.key</c> in the data folder is used (made on first run).</summary>
    public string? MasterKey { get; set; }
}
