namespace Broadsheet.Settings;

/// <summary>A refused setting: which key, and the words for it in English and Arabic.</summary>
public sealed record SettingsError(string Key, string English, string Arabic)
{
    public string In(string language) => language == Language.Arabic ? Arabic : English;
}
