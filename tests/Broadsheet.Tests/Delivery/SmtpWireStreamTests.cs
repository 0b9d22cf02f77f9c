using System.Net;
using System.Net.Sockets;
using System.Text;
using Broadsheet.Delivery;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// What MailKit writes through the wire stream is held until it flushes or reads the reply, then goes out whole; reads
/// and sends are bounded by the timeouts MailKit sets, asynchronous ones too.
/// </summary>
public sealed class SmtpWireStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A connected pair on 127.0.0.1: the wire stream on one end, the plain socket of the "server" on the other.</summary>
    private sealed record Pair(SmtpWireStream Wire, Socket Server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Wire.DisposeAsync();
            Server.Dispose();
        }
    }

    private static async Task<Pair> PairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptSocketAsync(Ct);
        await client.ConnectAsync(listener.LocalEndpoint, Ct);
        return new Pair(new SmtpWireStream(client), await accepting);
    }

    /// <summary>Reads from <paramref name="server"/> until <paramref name="count"/> bytes came or nothing more comes within a short while.</summary>
    private static async Task<byte[]> ReceiveAsync(Socket server, int count)
    {
        var received = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (received.Count < count)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            quiet.CancelAfter(TimeSpan.FromSeconds(5));
            var n = await server.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
            if (n == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, n));
        }

        return [.. received];
    }

    /// <summary>Asserts that <paramref name="operation"/> ends in the stream's own timeout (<paramref name="expected"/> in its message), not in the test's wait.</summary>
    private static async Task AssertStreamTimeoutAsync(Task operation, string expected)
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => operation.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_are_held_until_a_flush_and_then_arrive_whole_and_in_order()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i}\r\n")));

        // As MailKit writes a message: in 4 KiB pieces, then a flush.
        for (var at = 0; at < data.Length; at += 4096)
        {
            await wire.WriteAsync(data.AsMemory(at, Math.Min(4096, data.Length - at)), Ct);
        }

        await Task.Delay(100, Ct);
        Assert.Equal(0, server.Available);
        Assert.Equal(data.Length, wire.Pending);

        await wire.FlushAsync(Ct);
        Assert.Equal(0, wire.Pending);
        Assert.Equal(data, await ReceiveAsync(server, data.Length));
    }

    [Fact]
    public async Task A_read_sends_what_was_written_first_so_a_request_is_never_left_waiting_for_its_reply()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;

        // MailKit's own buffer can end exactly on a 4 KiB boundary and then flush nothing: the read must send it.
        wire.Write(new byte[4096]);
        var reading = wire.ReadAsync(new byte[16], Ct).AsTask();
        var request = await ReceiveAsync(server, 4096);
        Assert.Equal(4096, request.Length);

        await server.SendAsync("250 OK\r\n"u8.ToArray(), SocketFlags.None, Ct);
        Assert.Equal(8, await reading.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task Synchronous_writes_and_reads_behave_the_same()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        wire.ReadTimeout = 5000;

        wire.Write("EHLO news.example\r\n"u8);
        Assert.Equal(0, server.Available);
        wire.Flush();
        Assert.Equal("EHLO news.example\r\n", Encoding.ASCII.GetString(await ReceiveAsync(server, 19)));

        wire.Write("NOOP\r\n"u8);
        await server.SendAsync("250 OK\r\n"u8.ToArray(), SocketFlags.None, Ct);
        var reply = new byte[16];
        Assert.Equal(8, wire.Read(reply));
        Assert.Equal("NOOP\r\n", Encoding.ASCII.GetString(await ReceiveAsync(server, 6)));
    }

    [Fact]
    public async Task More_than_the_most_it_gathers_goes_out_in_pieces_and_all_of_it_arrives()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        var data = new byte[SmtpWireStream.MaxGathered * 2 + 12345];
        new Random(7).NextBytes(data);

        var receiving = ReceiveAsync(server, data.Length);
        for (var at = 0; at < data.Length; at += 4096)
        {
            await wire.WriteAsync(data.AsMemory(at, Math.Min(4096, data.Length - at)), Ct);
            Assert.True(wire.Pending <= SmtpWireStream.MaxGathered);
        }

        await wire.WriteAsync(data.AsMemory(0, 0), Ct);
        await wire.FlushAsync(Ct);
        Assert.Equal(data, await receiving);
    }

    [Fact]
    public async Task A_read_that_gets_no_reply_in_time_throws_a_timeout_not_a_hang()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        wire.ReadTimeout = 300;

        var started = TimeProvider.System.GetTimestamp();
        await AssertStreamTimeoutAsync(wire.ReadAsync(new byte[16], Ct).AsTask(), "read timed out after 300 ms");
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Throws<TimeoutException>(() => wire.Read(new byte[16]));
    }

    [Fact]
    public async Task The_time_limit_is_set_afresh_for_each_read_so_many_quick_replies_never_add_up_to_a_timeout()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        wire.ReadTimeout = 400;
        var reply = new byte[16];

        // Well over the limit in all, each reply well within it.
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(50, Ct);
            await server.SendAsync("250 OK\r\n"u8.ToArray(), SocketFlags.None, Ct);
            Assert.Equal(8, await wire.ReadAsync(reply, Ct));
        }

        Assert.True(TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromMilliseconds(500));

        // And it still runs out when a reply does not come (the stream's timeout, not the test's own wait).
        await AssertStreamTimeoutAsync(wire.ReadAsync(reply, Ct).AsTask(), "read timed out after 400 ms");
    }

    [Fact]
    public async Task A_send_to_a_server_that_stops_reading_throws_a_timeout_not_a_hang()
    {
        await using var pair = await PairAsync();
        var (wire, _) = pair;
        wire.WriteTimeout = 300;
        var piece = new byte[SmtpWireStream.MaxGathered];

        // The server reads nothing: once the sockets' buffers are full, a send waits, and runs out.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 4096; i++)
            {
                await wire.WriteAsync(piece, Ct);
                await wire.FlushAsync(Ct);
            }
        }, Ct);

        await AssertStreamTimeoutAsync(writing, "write timed out after 300 ms");
    }

    [Fact]
    public async Task The_caller_s_own_cancellation_stays_a_cancellation()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;
        wire.ReadTimeout = 60_000;
        using var cancel = new CancellationTokenSource(200);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wire.ReadAsync(new byte[16], cancel.Token).AsTask());
    }

    [Fact]
    public async Task Disposing_closes_the_connection_and_refuses_further_use()
    {
        await using var pair = await PairAsync();
        var (wire, server) = pair;

        await wire.DisposeAsync();

        Assert.Empty(await ReceiveAsync(server, 1));
        Assert.Throws<ObjectDisposedException>(() => wire.Write([1]));
        using var unconnected = new SmtpWireStream(new Socket(SocketType.Stream, ProtocolType.Tcp));
        Assert.Throws<ArgumentOutOfRangeException>(() => unconnected.ReadTimeout = 0);
    }
}
