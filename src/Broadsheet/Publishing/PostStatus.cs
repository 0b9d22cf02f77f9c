namespace Broadsheet.Publishing;

public enum PostStatus
{
    Draft,
    Scheduled,
    Published,
}
