namespace Broadsheet.Newsletter;

/// <summary>An editor's version of one of the newsletter's Liquid templates; without one, the built-in template is used.</summary>
public sealed class NewsletterTemplate
{
    /// <summary>The template's name, e.g. <c>html</c> or <c>text</c>.</summary>
    public string Name { get; set; } = "";

    public string Body { get; set; } = "";

    public DateTime UpdatedAt { get; set; }

    public int? UpdatedById { get; set; }
}
