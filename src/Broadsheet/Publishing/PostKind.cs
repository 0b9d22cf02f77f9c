namespace Broadsheet.Publishing;

/// <summary>What sort of piece a post is. Stored as its lower-case name.</summary>
public enum PostKind
{
    Report,
    News,
    Design,
}
