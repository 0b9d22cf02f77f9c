namespace Broadsheet.Settings;

/// <summary>Says that saved settings were applied, so what was built from them (the mail transport, the DKIM signer) is built again.</summary>
public sealed class SettingsSignal
{
    public event EventHandler? Changed;

    public void Raise() => Changed?.Invoke(this, EventArgs.Empty);
}
