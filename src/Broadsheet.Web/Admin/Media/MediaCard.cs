using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Media;

/// <summary>One image in the library's grid: the item, who uploaded it (null once their account is gone) and when, in the publication's time.</summary>
public sealed record MediaCard(MediaItem Item, string? UploaderName, DateTime UploadedAtLocal);
