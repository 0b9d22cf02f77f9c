// Usage: Blaster <host> <port> <message.eml> <connections> <messages> [--mailkit-connect] [--warmup <count>]
// The limit for bench/send: <connections> MailKit SMTP sessions (plain SMTP, no AUTH) send one pre-built message
// <messages> times in all, as fast as the server takes them, with nothing else to do: no database, no
// personalisation, no signing. The envelope sender is the message's Return-Path (as Broadsheet's outbox folder writes
// it; the header itself is removed) or its From, and the recipient its first To. Prints one line of figures:
//   sent=N failed=F seconds=S rate=R connections=C bytes=B nodelay=true|false
// seconds runs from the moment every session is open to the last reply, so connecting is not in the rate.
//
// --warmup <count> first sends <count> messages over the same sessions, prints "warmed sent=…", and waits for a line on
// standard input before the measured <messages>: the caller can start a sink's figures afresh in between, so the limit
// is a running sender's, as Broadsheet's warm figures are a running instance's (bench/send/run.sh).
//
// Each session's socket is connected here with TCP_NODELAY and handed to MailKit through Broadsheet's SmtpWireStream
// (compiled in from src/), which sends what MailKit writes when it flushes or reads the reply: a message goes out in
// one send, as Broadsheet's own transport sends it. MailKit alone writes the message data in 4 KiB pieces; on a socket
// it connects itself Nagle's algorithm is on, so the last piece of every message waits for the server's delayed ACK
// (about 40 ms on Linux), which caps a session at some 20 messages a second. --mailkit-connect lets MailKit connect
// instead, to show that cap.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

const string Usage = "usage: Blaster <host> <port> <message.eml> <connections> <messages> [--mailkit-connect] [--warmup <count>]";
var noDelay = true;
var warmup = 0;
var optionsValid = args.Length >= 5;
for (var i = 5; optionsValid && i < args.Length; i++)
{
    switch (args[i])
    {
        case "--mailkit-connect":
            noDelay = false;
            break;
        case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out warmup) && warmup > 0:
            i++;
            break;
        default:
            optionsValid = false;
            break;
    }
}

if (!optionsValid
    || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
    || !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out var connections) || connections < 1
    || !int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out var messages) || messages < 1)
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var host = args[0];
var time = TimeProvider.System;

// One copy of the message per session: MailKit prepares a message for the wire as it sends it (it may change a
// part's transfer encoding), so sessions must not share one.
var copies = new List<(MimeMessage Message, MailboxAddress Sender, MailboxAddress Recipient)>();
for (var i = 0; i < connections; i++)
{
    var message = await MimeMessage.LoadAsync(args[2]);
    var returnPath = message.Headers[HeaderId.ReturnPath];
    message.Headers.Remove(HeaderId.ReturnPath);
    var sender = string.IsNullOrWhiteSpace(returnPath) ? message.From.Mailboxes.First() : MailboxAddress.Parse(returnPath.Trim());
    copies.Add((message, sender, message.To.Mailboxes.First()));
}

var size = new FileInfo(args[2]).Length;
var clients = new List<SmtpClient>();
try
{
    foreach (var _ in copies)
    {
        var client = new SmtpClient();
        clients.Add(client);
    }

    await Task.WhenAll(clients.Select(ConnectAsync));

    if (warmup > 0)
    {
        var (warmSent, warmFailed, _) = await BlastAsync(warmup);
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warmed sent={warmSent} failed={warmFailed}"));
        await Console.Out.FlushAsync();
        if (warmFailed > 0 || await Console.In.ReadLineAsync() is null)
        {
            return 1;
        }
    }

    var (sent, failed, seconds) = await BlastAsync(messages);
    await Task.WhenAll(clients.Select(c => c.DisconnectAsync(quit: true)));
    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
        $"sent={sent} failed={failed} seconds={seconds:0.000} rate={sent / seconds:0} connections={connections} bytes={size} nodelay={(noDelay ? "true" : "false")}"));
    return failed == 0 && sent == messages ? 0 : 1;
}
finally
{
    foreach (var client in clients)
    {
        client.Dispose();
    }
}

// Sends <count> messages over every session at once; the seconds run from the first send to the last reply.
async Task<(int Sent, int Failed, double Seconds)> BlastAsync(int count)
{
    var remaining = count;
    var sent = 0;
    var failed = 0;
    var started = time.GetTimestamp();
    await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
    {
        var (message, sender, recipient) = copies[i];
        while (Interlocked.Decrement(ref remaining) >= 0)
        {
            try
            {
                await client.SendAsync(FormatOptions.Default, message, sender, [recipient]);
                Interlocked.Increment(ref sent);
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException)
            {
                Interlocked.Increment(ref failed);
                await Console.Error.WriteLineAsync($"send failed: {e.GetType().Name}: {e.Message}");
                if (!client.IsConnected)
                {
                    return;
                }
            }
        }
    })));
    return (sent, failed, time.GetElapsedTime(started).TotalSeconds);
}

async Task ConnectAsync(SmtpClient client)
{
    if (!noDelay)
    {
        await client.ConnectAsync(host, port, SecureSocketOptions.None);
        return;
    }

    var addresses = await Dns.GetHostAddressesAsync(host);
    var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    try
    {
        await socket.ConnectAsync(addresses[0], port);
        // Through the stream Broadsheet's transport uses (src/Broadsheet/Delivery/SmtpWireStream.cs): a message goes
        // out in one send, not in MailKit's 4 KiB pieces, so the limit is measured the way Broadsheet sends.
        await client.ConnectAsync(new Broadsheet.Delivery.SmtpWireStream(socket), host, port, SecureSocketOptions.None);
    }
    catch
    {
        socket.Dispose();
        throw;
    }
}
