namespace Broadsheet.Web.Admin.Posts;

/// <summary>
/// The autosave's JSON answer: when it saved (ISO 8601, UTC) and the words to show, <c>Saved at 14:05</c> in the
/// staff member's language and the publication's time zone; or why it did not.
/// </summary>
internal sealed record AutosaveAnswer(string? SavedAt, string? Error, string? Message = null);
