namespace Broadsheet.Subscribers;

/// <summary>A subscriber file cannot be imported at all; the message says why in words the operator can act on.</summary>
public sealed class SubscriberImportException : Exception
{
    public SubscriberImportException(string message) : base(message) { }

    public SubscriberImportException() { }

    public SubscriberImportException(string message, Exception innerException) : base(message, innerException) { }
}
