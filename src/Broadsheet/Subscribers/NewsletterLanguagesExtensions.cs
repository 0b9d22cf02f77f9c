namespace Broadsheet.Subscribers;

public static class NewsletterLanguagesExtensions
{
    /// <summary>The edition flag for a content language ("en", "ar").</summary>
    public static NewsletterLanguages Of(string language) =>
        language == Language.Arabic ? NewsletterLanguages.Arabic : NewsletterLanguages.English;
}
