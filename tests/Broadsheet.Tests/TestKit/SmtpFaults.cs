using System.Collections.Concurrent;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// The faults an <see cref="SmtpTestServer"/> injects. Every member can be changed while the server runs, from any
/// thread; a change applies from the next occasion on (the next connection, RCPT, message or reply).
/// </summary>
public sealed class SmtpFaults
{
    private readonly ConcurrentDictionary<string, byte> rejectedMailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> deferredMailboxes = new(StringComparer.OrdinalIgnoreCase);
    private int closeAfterMessages;
    private long replyLatencyTicks;
    private int blackHole;

    /// <summary>Greet with <c>421 4.3.2</c> and close, instead of 220, on the next N connections (or always).</summary>
    public SmtpFaultTrigger RefuseGreeting { get; } = new();

    /// <summary>Answer <c>451 4.3.0</c> to the next N RCPT commands (or all of them).</summary>
    public SmtpFaultTrigger DeferRecipient { get; } = new();

    /// <summary>Answer <c>554 5.6.0</c> after the message data of the next N messages (or all), recording nothing.</summary>
    public SmtpFaultTrigger RejectData { get; } = new();

    /// <summary>
    /// Read the whole message data of the next N messages, then close the connection without replying. The message
    /// is not accepted; it is kept in <see cref="SmtpTestServer.DroppedAfterData"/> instead.
    /// </summary>
    public SmtpFaultTrigger DropAfterData { get; } = new();

    /// <summary>After this many accepted messages on one connection, close it right after the 250; 0: never.</summary>
    public int CloseAfterMessages
    {
        get => Volatile.Read(ref closeAfterMessages);
        set => Volatile.Write(ref closeAfterMessages, Math.Max(0, value));
    }

    /// <summary>A pause before every reply (greeting included); zero by default.</summary>
    public TimeSpan ReplyLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref replyLatencyTicks));
        set => Interlocked.Exchange(ref replyLatencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>Accept new TCP connections and never say a word on them (not even the greeting).</summary>
    public bool BlackHole
    {
        get => Volatile.Read(ref blackHole) != 0;
        set => Volatile.Write(ref blackHole, value ? 1 : 0);
    }

    /// <summary>RCPT TO these addresses gets <c>550 5.1.1</c> (no such mailbox), echoing the address as real servers do.</summary>
    public void RejectMailbox(params string[] addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            rejectedMailboxes[address] = 0;
        }
    }

    /// <summary>RCPT TO these addresses gets <c>450 4.2.1</c> (mailbox busy, try later), echoing the address.</summary>
    public void DeferMailbox(params string[] addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            deferredMailboxes[address] = 0;
        }
    }

    /// <summary>Forget the addresses given to <see cref="RejectMailbox"/> and <see cref="DeferMailbox"/>.</summary>
    public void ForgetMailboxes()
    {
        rejectedMailboxes.Clear();
        deferredMailboxes.Clear();
    }

    /// <summary>Turn every fault off.</summary>
    public void Reset()
    {
        RefuseGreeting.Off();
        DeferRecipient.Off();
        RejectData.Off();
        DropAfterData.Off();
        CloseAfterMessages = 0;
        ReplyLatency = TimeSpan.Zero;
        BlackHole = false;
        ForgetMailboxes();
    }

    internal bool IsRejected(string address) => !rejectedMailboxes.IsEmpty && rejectedMailboxes.ContainsKey(address);

    internal bool IsDeferred(string address) => !deferredMailboxes.IsEmpty && deferredMailboxes.ContainsKey(address);
}
