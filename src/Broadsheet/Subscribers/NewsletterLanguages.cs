namespace Broadsheet.Subscribers;

/// <summary>Which language editions a subscriber receives.</summary>
[Flags]
public enum NewsletterLanguages
{
    None = 0,
    English = 1,
    Arabic = 2,
    Both = English | Arabic,
}
