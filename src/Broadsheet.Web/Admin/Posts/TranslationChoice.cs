namespace Broadsheet.Web.Admin.Posts;

/// <summary>A post the editor offers as the one this post translates.</summary>
public sealed record TranslationChoice(int Id, string Language, string Title);
