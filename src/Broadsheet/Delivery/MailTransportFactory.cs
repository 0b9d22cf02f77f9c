using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Delivery;

/// <summary>
/// Builds the transport the settings ask for: the outbox folder, or SMTP (with failover when fallbacks are set).
/// SMTP settings are checked here, at start-up, so a typo fails loudly with the setting's name instead of deferring
/// every message of the first send.
/// </summary>
public static class MailTransportFactory
{
    private const string Section = "Broadsheet:Mail";

    /// <exception cref="InvalidOperationException">A setting is missing or out of range; the message names it.</exception>
    public static IMailTransport Create(MailOptions mail, string dataDirectory, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(loggers);
        switch (mail.Transport)
        {
            case MailTransportKind.Outbox:
                return new OutboxFolderTransport(dataDirectory, time);
            case MailTransportKind.Smtp:
                var relays = new List<(string Name, SmtpOptions Options)> { ($"{Section}:Smtp", mail.Smtp) };
                for (var i = 0; i < mail.SmtpFallbacks.Count; i++)
                {
                    relays.Add((string.Create(CultureInfo.InvariantCulture, $"{Section}:SmtpFallbacks:{i}"), mail.SmtpFallbacks[i]));
                }

                foreach (var (name, options) in relays)
                {
                    Validate(name, options);
                }

                var transports = relays
                    .Select(r => (IMailTransport)new SmtpTransport(r.Options, time, loggers.CreateLogger<SmtpTransport>(), r.Name))
                    .ToList();
                return transports.Count == 1
                    ? transports[0]
                    : new FailoverTransport(transports, time, loggers.CreateLogger<FailoverTransport>());
            default:
                throw new InvalidOperationException($"{Section}:Transport is '{mail.Transport}'; it must be Outbox or Smtp.");
        }
    }

    /// <exception cref="InvalidOperationException">A setting of the relay <paramref name="name"/> is missing or out of range.</exception>
    public static void Validate(string name, SmtpOptions? options)
    {
        if (options is null)
        {
            throw new InvalidOperationException($"{name} is missing.");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            throw new InvalidOperationException($"{name}:Host is empty; set the relay's host name.");
        }

        if (options.Port is < 1 or > 65535)
        {
            throw Invalid(name, "Port", options.Port, "between 1 and 65535");
        }

        if (!Enum.IsDefined(options.Security))
        {
            throw new InvalidOperationException($"{name}:Security is '{options.Security}'; it must be None, StartTls or Tls.");
        }

        if (options.Connections < 1)
        {
            throw Invalid(name, "Connections", options.Connections, "at least 1");
        }

        if (double.IsNaN(options.MessagesPerSecond) || double.IsInfinity(options.MessagesPerSecond) || options.MessagesPerSecond < 0)
        {
            throw Invalid(name, "MessagesPerSecond", options.MessagesPerSecond, "0 (no limit) or more");
        }

        if (options.MessagesPerHour < 0)
        {
            throw Invalid(name, "MessagesPerHour", options.MessagesPerHour, "0 (no limit) or more");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid(name, "Timeout", options.Timeout, "more than zero and under 24 days");
        }

        // EHLO takes a domain or an address literal; anything else would be refused by the relay at every connection.
        if (options.LocalDomain.Length > 0 && (options.LocalDomain.Length > 253 || Uri.CheckHostName(options.LocalDomain.Trim('[', ']')) == UriHostNameType.Unknown))
        {
            throw new InvalidOperationException($"{name}:LocalDomain is '{options.LocalDomain}'; it must be a host name (e.g. sender-1.example.org) or empty.");
        }

        if (options.Username.Length == 0 && options.Password.Length > 0)
        {
            throw new InvalidOperationException($"{name}:Password is set but {name}:Username is empty; set both for AUTH, or neither.");
        }
    }

    private static InvalidOperationException Invalid(string name, string setting, object value, string expected) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}:{setting} is {value}; it must be {expected}."));
}
