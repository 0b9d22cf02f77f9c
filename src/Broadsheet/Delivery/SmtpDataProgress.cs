using MailKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Tells whether the message data of the current send has started to go out. MailKit reports transfer progress only
/// while it writes the message itself, which is after the server's 354 to DATA (or with BDAT), so a dropped
/// connection before the first report cannot have delivered the message and may be retried at once, while one after
/// it leaves the outcome unknown. MailKit has no hook for the DATA reply itself; this is the public seam closest to it.
/// </summary>
internal sealed class SmtpDataProgress : ITransferProgress
{
    public bool Started { get; private set; }

    public void Reset() => Started = false;

    public void Report(long bytesTransferred, long totalSize) => Started = true;

    public void Report(long bytesTransferred) => Started = true;
}
