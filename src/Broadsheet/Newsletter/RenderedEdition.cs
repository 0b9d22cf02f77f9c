namespace Broadsheet.Newsletter;

/// <summary>An edition as it goes out or is shown: its subject line, its HTML and its plain-text part.</summary>
public sealed record RenderedEdition(string Subject, string Html, string Text);
