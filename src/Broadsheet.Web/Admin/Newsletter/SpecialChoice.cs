namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>What was chosen on the special edition's form, kept when the form is shown again with a refusal.</summary>
public sealed record SpecialChoice(IReadOnlyList<int> Posts, string? Segment, string? Subject, string? Intro);
