namespace Broadsheet.Delivery;

/// <summary>
/// Hands one finished message for one recipient to whatever carries mail: the outbox folder by default, SMTP when
/// configured. Answers with what the server said rather than throwing, so the outbox can record each recipient's
/// state after the reply; only cancellation is thrown.
/// </summary>
public interface IMailTransport
{
    Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
