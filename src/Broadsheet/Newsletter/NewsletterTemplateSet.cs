namespace Broadsheet.Newsletter;

/// <summary>The two Liquid templates an edition is rendered with: its HTML and its plain-text part.</summary>
public sealed record NewsletterTemplateSet(string Html, string Text)
{
    /// <summary>The stored name (<c>newsletter_templates.Name</c>) of the HTML template.</summary>
    public const string HtmlName = "html";

    /// <summary>The stored name of the plain-text template.</summary>
    public const string TextName = "text";

    public static readonly IReadOnlyList<string> Names = [HtmlName, TextName];

    public static bool IsName(string? name) => name is HtmlName or TextName;

    /// <summary>The body of the template called <paramref name="name"/>.</summary>
    public string this[string name] => name switch
    {
        HtmlName => Html,
        TextName => Text,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "A newsletter template is called html or text."),
    };

    /// <summary>The same set with one template replaced (to check a change before it is saved).</summary>
    public NewsletterTemplateSet With(string name, string body) => name switch
    {
        HtmlName => this with { Html = body },
        TextName => this with { Text = body },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "A newsletter template is called html or text."),
    };
}
