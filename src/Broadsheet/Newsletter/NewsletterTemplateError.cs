namespace Broadsheet.Newsletter;

/// <summary>Why a newsletter template was refused: which template, and the words for it in English and Arabic.</summary>
public sealed record NewsletterTemplateError(string Name, string English, string Arabic)
{
    public string In(string language) => language == Language.Arabic ? Arabic : English;
}
