namespace Broadsheet.Newsletter;

/// <summary>An editor's request that cannot be done as asked (an edition already sent, an unknown post…), in words for the editor.</summary>
public sealed class EditionException : Exception
{
    public EditionException()
    {
    }

    public EditionException(string message)
        : base(message)
    {
    }

    public EditionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What went wrong, so the admin and the CLI can say it in the reader's language.</summary>
    public EditionProblem Problem { get; init; }
}

public enum EditionProblem
{
    NotFound,
    AlreadySent,
    Empty,
    UnknownPost,
    InvalidText,
    InvalidAddress,
    NotDue,
    MailFailed,
}
