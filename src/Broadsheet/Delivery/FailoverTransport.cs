using Microsoft.Extensions.Logging;

namespace Broadsheet.Delivery;

/// <summary>
/// Relays in order of preference: a message goes to the first one that can take mail, and moves on to the next only
/// when the answer says no server took it at all (<see cref="TransportResult.ConnectionFailure"/>); a 4xx or 5xx about
/// the recipient is the answer, whichever relay gave it. A relay that failed is passed over for a cool-down, so each
/// message does not pay for its timeout again, and is tried first again once the cool-down is over.
/// </summary>
public sealed partial class FailoverTransport : IMailTransport, IAsyncDisposable
{
    /// <summary>The cool-down when none is given.</summary>
    public static readonly TimeSpan DefaultCoolDown = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<IMailTransport> transports;
    private readonly TimeProvider time;
    private readonly ILogger<FailoverTransport> logger;
    private readonly TimeSpan coolDown;
    // Per transport, the UTC ticks until which it is passed over; 0 when it is fine. Read and written with Interlocked.
    private readonly long[] coolingUntil;

    /// <param name="transports">In order of preference; owned (disposed with this).</param>
    public FailoverTransport(IReadOnlyList<IMailTransport> transports, TimeProvider time, ILogger<FailoverTransport> logger, TimeSpan? coolDown = null)
    {
        ArgumentNullException.ThrowIfNull(transports);
        ArgumentOutOfRangeException.ThrowIfZero(transports.Count);
        this.transports = transports;
        this.time = time;
        this.logger = logger;
        this.coolDown = coolDown ?? DefaultCoolDown;
        coolingUntil = new long[transports.Count];
    }

    public async Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        TransportResult? last = null;
        foreach (var index in Order())
        {
            var result = await transports[index].SendAsync(message, cancellationToken);
            if (!result.ConnectionFailure)
            {
                Interlocked.Exchange(ref coolingUntil[index], 0);
                return result;
            }

            var until = time.GetUtcNow() + coolDown;
            Interlocked.Exchange(ref coolingUntil[index], until.UtcTicks);
            LogFailedOver(NameOf(index), until);
            last = result;
        }

        return last! with { Detail = $"no relay could take the message; the last said: {last.Detail}" };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var transport in transports)
        {
            await transport.CloseAsync();
        }
    }

    /// <summary>
    /// The relays not cooling down, in order of preference, then the cooling ones: when every relay failed lately,
    /// trying them beats deferring a message that one of them might take now.
    /// </summary>
    private List<int> Order()
    {
        var now = time.GetUtcNow().UtcTicks;
        var ready = new List<int>(transports.Count);
        var cooling = new List<int>();
        for (var i = 0; i < transports.Count; i++)
        {
            (Interlocked.Read(ref coolingUntil[i]) > now ? cooling : ready).Add(i);
        }

        ready.AddRange(cooling);
        return ready;
    }

    private string NameOf(int index) =>
        transports[index] is SmtpTransport smtp ? smtp.Name : "transport " + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail transport {Transport} could not take a message; it is passed over until {Until:O}")]
    private partial void LogFailedOver(string transport, DateTimeOffset until);
}
