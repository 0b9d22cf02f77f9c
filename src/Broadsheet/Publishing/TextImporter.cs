namespace Broadsheet.Publishing;

/// <summary>STUB — being written.</summary>
public static class TextImporter
{
    public const long MaxFileBytes = 5 * 1024 * 1024;

    public static string ReadFile(string path) => File.ReadAllText(path);

    public static ImportedText Parse(string text) => new(null, text, "");
}
