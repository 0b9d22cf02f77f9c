using Broadsheet.Newsletter;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>One language's preview on the template editor: what it shows (the next edition or the sample), and the rendering or why it failed.</summary>
public sealed record TemplatePreview(string Language, string Label, RenderedEdition? Rendered, string? Error);
