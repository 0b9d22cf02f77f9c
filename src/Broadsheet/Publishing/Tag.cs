namespace Broadsheet.Publishing;

/// <summary>A topic label in one language; unique by (language, slug).</summary>
public sealed class Tag
{
    public int Id { get; set; }
    public string Language { get; set; } = Broadsheet.Language.English;
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public List<Post> Posts { get; set; } = [];
}
