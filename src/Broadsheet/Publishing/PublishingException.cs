namespace Broadsheet.Publishing;

/// <summary>A post cannot be saved as asked; the message says why, in words an editor understands.</summary>
public sealed class PublishingException : Exception
{
    public PublishingException(string message) : base(message) { }

    public PublishingException() { }

    public PublishingException(string message, Exception innerException) : base(message, innerException) { }
}
