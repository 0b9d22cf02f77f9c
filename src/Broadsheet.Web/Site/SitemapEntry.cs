namespace Broadsheet.Web.Site;

public sealed record SitemapEntry(string Language, string Slug, DateTime UpdatedAt, Guid? TranslationKey);
