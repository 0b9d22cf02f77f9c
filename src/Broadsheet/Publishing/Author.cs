namespace Broadsheet.Publishing;

/// <summary>A byline. One author writes in both languages, so the name and bio exist in each.</summary>
public sealed class Author
{
    public int Id { get; set; }
    public string Slug { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string NameAr { get; set; } = "";
    public string BioEn { get; set; } = "";
    public string BioAr { get; set; } = "";
    public List<Post> Posts { get; set; } = [];

    public string NameIn(string language) =>
        language == Broadsheet.Language.Arabic && NameAr.Length > 0 ? NameAr : NameEn.Length > 0 ? NameEn : NameAr;

    public string BioIn(string language) =>
        language == Broadsheet.Language.Arabic && BioAr.Length > 0 ? BioAr : BioEn;
}
