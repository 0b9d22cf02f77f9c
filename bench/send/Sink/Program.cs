// Usage: Sink
// Runs the test kit's SMTP server (plain SMTP, messages counted, their bytes not kept) on 127.0.0.1 and a port the
// system chooses, and prints "listening 127.0.0.1 PORT" on the first line. A "count" line on standard input, and
// SIGTERM or Ctrl+C (which also stop it), print one line of figures:
//   accepted=N first_to_last_s=S rate=R connections=C clients=NAME:N,NAME:N
// A "mark" line answers "marked " and the figures so far, then starts them afresh from the next message, so what
// came before (a warm-up send) is left out of the figures printed later.
// first_to_last_s is the time from the first accepted message to the last, as this process saw them, so a sender's
// start-up and shutdown stay out of the rate; it is measured here the same way for every sender. clients counts the
// accepted messages by the name each sender gave in EHLO (Broadsheet:Mail:Smtp:LocalDomain), so bench/scale sees
// each instance's share.
using System.Globalization;
using System.Runtime.InteropServices;
using Broadsheet.Tests.TestKit;

if (args.Length != 0)
{
    await Console.Error.WriteLineAsync("usage: Sink   (then read the port from the first line of output)");
    return 2;
}

var time = TimeProvider.System;
using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

// Benchmarks send tens of thousands of messages; only the count matters, so the bytes are not kept.
await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { KeepContent = false });
await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"listening {server.Host} {server.Port}"));

// Polled rather than hooked: the server has no per-message event, and a 2 ms poll costs nothing next to the
// messages while keeping both ends of the interval within 2 ms.
long first = 0, last = 0;
var seen = 0;
// Messages accepted before the last "mark": the figures count only those after it.
var before = 0;
// The watch and a "mark" both update the figures.
var gate = new Lock();
var watch = WatchAsync(stop.Token);
_ = Task.Run(() => ReadCommandsAsync(stop.Token), CancellationToken.None);

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // SIGTERM or Ctrl+C: the figures below, then the server closes.
}

await watch;
await Console.Out.WriteLineAsync(Figures());
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

async Task WatchAsync(CancellationToken cancellationToken)
{
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2), time);
    try
    {
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Observe();
        }
    }
    catch (OperationCanceledException)
    {
        Observe();
    }
}

void Observe()
{
    lock (gate)
    {
        ObserveLocked();
    }
}

void ObserveLocked()
{
    var count = server.MessageCount;
    if (count == Volatile.Read(ref seen))
    {
        return;
    }

    var now = time.GetTimestamp();
    if (Volatile.Read(ref seen) == Volatile.Read(ref before))
    {
        Volatile.Write(ref first, now);
    }

    Volatile.Write(ref last, now);
    Volatile.Write(ref seen, count);
}

async Task ReadCommandsAsync(CancellationToken cancellationToken)
{
    // Standard input at its end (a background job reads /dev/null) only means nobody will ask.
    while (!cancellationToken.IsCancellationRequested && await Console.In.ReadLineAsync(cancellationToken) is { } line)
    {
        var command = line.Trim();
        if (command.Equals("count", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Out.WriteLineAsync(Figures());
        }
        else if (command.Equals("mark", StringComparison.OrdinalIgnoreCase))
        {
            // Observed first, so a message accepted just now is counted before the mark, not as the first after it.
            string figures;
            lock (gate)
            {
                ObserveLocked();
                figures = Figures();
                Volatile.Write(ref before, Volatile.Read(ref seen));
            }

            await Console.Out.WriteLineAsync("marked " + figures);
        }
    }
}

string Figures()
{
    var skipped = Volatile.Read(ref before);
    var count = Volatile.Read(ref seen) - skipped;
    var seconds = count > 1 ? time.GetElapsedTime(Volatile.Read(ref first), Volatile.Read(ref last)).TotalSeconds : 0;
    // The first message opens the interval, so it is not counted in the rate.
    var rate = seconds > 0 ? (count - 1) / seconds : 0;
    var clients = string.Join(',', server.Messages.Skip(skipped).GroupBy(m => m.ClientName).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Count()}")));
    return string.Create(CultureInfo.InvariantCulture,
        $"accepted={count} first_to_last_s={seconds:0.000} rate={rate:0} connections={server.ConnectionsOpened} clients={clients}");
}
