namespace Broadsheet.Delivery;

/// <summary>
/// The bounce mailbox could not be read: unreachable, refused the login, or the connection failed mid-way. The message
/// names the protocol, host and port and says what went wrong, never the username or the password.
/// </summary>
public sealed class BounceMailboxException : Exception
{
    public BounceMailboxException(string message) : base(message) { }

    public BounceMailboxException() { }

    public BounceMailboxException(string message, Exception innerException) : base(message, innerException) { }
}
