using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>Hands one finished message to whatever carries mail: the outbox folder by default, SMTP when configured.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
