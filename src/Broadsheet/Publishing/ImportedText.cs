namespace Broadsheet.Publishing;

/// <summary>A plain-text article split into its parts, the body as Markdown.</summary>
public sealed record ImportedText(string? Title, string Lede, string BodyMarkdown);
