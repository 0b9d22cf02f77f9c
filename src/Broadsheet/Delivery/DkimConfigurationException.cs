namespace Broadsheet.Delivery;

/// <summary>
/// DKIM signing is switched on but cannot work (no key file, an unreadable one, a bad domain or selector). The message
/// names the setting and the fix, so the host can show it at start-up as it is, without a stack trace. It is an
/// <see cref="InvalidOperationException"/>, which the host already reports that way for every configuration mistake.
/// </summary>
public sealed class DkimConfigurationException : InvalidOperationException
{
    public DkimConfigurationException(string message) : base(message) { }

    public DkimConfigurationException() { }

    public DkimConfigurationException(string message, Exception innerException) : base(message, innerException) { }
}
