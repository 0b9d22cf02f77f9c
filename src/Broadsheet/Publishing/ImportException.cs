namespace Broadsheet.Publishing;

/// <summary>A file cannot be imported; the message says why in words a user can act on.</summary>
public sealed class ImportException : Exception
{
    public ImportException(string message) : base(message) { }

    public ImportException() { }

    public ImportException(string message, Exception innerException) : base(message, innerException) { }
}
