using Broadsheet.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Delivery;

/// <summary>
/// The transport the settings ask for, built again when an administrator changes them: messages already handed to the
/// old one finish there (its disposal waits for them), the next ones take the new one.
/// </summary>
public sealed partial class ReconfigurableTransport : IMailTransport, IAsyncDisposable
{
    private readonly IOptions<BroadsheetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<ReconfigurableTransport> _logger;
    private readonly SettingsSignal _signal;
    private IMailTransport _current;

    public ReconfigurableTransport(IOptions<BroadsheetOptions> options, TimeProvider time, ILoggerFactory loggers, SettingsSignal signal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(signal);
        _options = options;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReconfigurableTransport>();
        _signal = signal;
        _current = Build();
        signal.Changed += OnChanged;
    }

    /// <summary>What carries mail right now (for the admin's "where does mail go" line).</summary>
    public IMailTransport Current => Volatile.Read(ref _current);

    public Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) => Current.SendAsync(message, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _signal.Changed -= OnChanged;
        await Current.CloseAsync();
    }

    private IMailTransport Build() => MailTransportFactory.Create(_options.Value.Mail, _options.Value.DataDirectory, _time, _loggers);

    private void OnChanged(object? sender, EventArgs e)
    {
        IMailTransport next;
        try
        {
            next = Build();
        }
        catch (InvalidOperationException exception)
        {
            // The settings page validates before saving, so this is a configuration file edited by hand: keep sending.
            LogRebuildFailed(exception);
            return;
        }

        var previous = Interlocked.Exchange(ref _current, next);
        _ = previous.CloseAsync().AsTask();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail settings changed but the transport could not be rebuilt; the previous one stays")]
    private partial void LogRebuildFailed(Exception exception);
}
