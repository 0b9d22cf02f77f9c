namespace Broadsheet.Settings;

/// <summary>
/// One setting saved from the admin, by its configuration key under <c>Broadsheet:</c> (e.g. <c>Mail:From</c>). Saved
/// settings override the configuration file and environment for that key; the configuration stays the default.
/// </summary>
public sealed class SiteSetting
{
    public string Key { get; set; } = "";

    /// <summary>The value as configuration text; secrets (the SMTP password) are stored encrypted, base64.</summary>
    public string Value { get; set; } = "";

    public DateTime UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
}
