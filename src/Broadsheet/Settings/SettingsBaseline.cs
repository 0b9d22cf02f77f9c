namespace Broadsheet.Settings;

/// <summary>
/// The options as the configuration file and environment set them, copied before any saved setting is applied: where
/// a setting goes back to when an administrator empties it.
/// </summary>
public sealed class SettingsBaseline(Microsoft.Extensions.Options.IOptions<BroadsheetOptions> options)
{
    public BroadsheetOptions Options { get; } = SettingsService.Copy((options ?? throw new ArgumentNullException(nameof(options))).Value);
}
