namespace Broadsheet.Privacy;

/// <summary>
/// This instance's privacy master key is not the one the database was written with. The operator's to fix, so hosts
/// report the message alone and stop; nothing has been written when it is thrown.
/// </summary>
public sealed class PrivacyKeyMismatchException : InvalidOperationException
{
    public PrivacyKeyMismatchException()
        : base(
            "This instance's privacy key is not the one this database was written with. Every instance must use the same key: " +
            "set Broadsheet:Privacy:MasterKey (the same value everywhere) — see docs/operations.md, 'Several instances'.")
    {
    }

    public PrivacyKeyMismatchException(string message)
        : base(message)
    {
    }

    public PrivacyKeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
