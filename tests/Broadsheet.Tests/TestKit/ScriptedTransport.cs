using System.Collections.Concurrent;
using Broadsheet.Delivery;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A transport whose answers the test decides, for the dispatcher's own rules (states, retries, eligibility).
/// The SMTP conversation itself is tested against <c>SmtpTestServer</c>.
/// </summary>
public sealed class ScriptedTransport : IMailTransport
{
    private readonly ConcurrentQueue<OutgoingMessage> _calls = new();

    /// <summary>The answer for each message; accepted by default.</summary>
    public Func<OutgoingMessage, TransportResult> Answer { get; set; } = _ => TransportResult.Sent();

    /// <summary>How long each message takes, to have messages in flight when a test stops the dispatcher.</summary>
    public TimeSpan Latency { get; set; }

    public IReadOnlyList<OutgoingMessage> Calls => [.. _calls];

    public async Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, cancellationToken);
        }

        _calls.Enqueue(message);
        return Answer(message);
    }
}
