using System.Net.Sockets;

namespace Broadsheet.Delivery;

/// <summary>
/// The connected socket under one SMTP session, as the stream MailKit talks through: what MailKit writes is gathered
/// and goes out in one send when MailKit flushes or starts reading the server's reply, instead of one send per 4 KiB
/// piece. A 12 KB campaign message was four sends and as many segments for the server to read; gathered, it is one
/// (bench/send: less CPU on both sides of the connection). Nothing waits that did not wait before: SMTP is a
/// request and reply protocol, and every request is complete before its reply is read.
/// </summary>
/// <remarks>
/// <para>Reads and writes are bounded by <see cref="ReadTimeout"/> and <see cref="WriteTimeout"/> (which MailKit sets
/// from its own timeout), the asynchronous ones too: one that runs out throws <see cref="TimeoutException"/>, as
/// MailKit's own socket stream does, so a relay that stops answering never holds a connection. TLS (STARTTLS or TLS on
/// connect) is layered above this stream by MailKit, so what is gathered here is already encrypted.</para>
/// <para>What is gathered is bounded by <see cref="MaxGathered"/>: a bigger message goes out in pieces of about that
/// size.</para>
/// </remarks>
internal sealed class SmtpWireStream(Socket socket) : Stream
{
    /// <summary>The most bytes held back before they are sent anyway.</summary>
    public const int MaxGathered = 256 * 1024;

    private const int InitialCapacity = 16 * 1024;

    private readonly Deadline _readDeadline = new("read");
    private readonly Deadline _writeDeadline = new("write");
    private byte[] _pending = new byte[InitialCapacity];
    private int _count;
    private int _readTimeout = Timeout.Infinite;
    private int _writeTimeout = Timeout.Infinite;
    private bool _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanWrite => !_disposed;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    /// <summary>Milliseconds a read may take; <see cref="Timeout.Infinite"/> (the default) for no limit.</summary>
    public override int ReadTimeout
    {
        get => _readTimeout;
        set
        {
            // The synchronous reads use the socket's own timeout; MailKit sets this on connecting, not per read.
            _readTimeout = ValidTimeout(value);
            socket.ReceiveTimeout = SocketTimeout(value);
        }
    }

    /// <summary>Milliseconds a send may take; <see cref="Timeout.Infinite"/> (the default) for no limit.</summary>
    public override int WriteTimeout
    {
        get => _writeTimeout;
        set
        {
            _writeTimeout = ValidTimeout(value);
            socket.SendTimeout = SocketTimeout(value);
        }
    }

    /// <summary>Bytes written and not yet sent.</summary>
    internal int Pending => _count;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count + buffer.Length > MaxGathered)
        {
            Flush();
            if (buffer.Length > MaxGathered)
            {
                SendAll(buffer);
                return;
            }
        }

        Gather(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count + buffer.Length > MaxGathered)
        {
            return SendThroughAsync(buffer, cancellationToken);
        }

        Gather(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count > 0)
        {
            SendAll(_pending.AsSpan(0, _count));
            _count = 0;
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => FlushPendingAsync(cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Flush();
        try
        {
            return socket.Receive(buffer);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw _readDeadline.TimedOut(_readTimeout, e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The reply is to what was written: it goes out first.
        await FlushPendingAsync(cancellationToken);
        var token = _readDeadline.Start(_readTimeout, cancellationToken, out var link);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw _readDeadline.TimedOut(_readTimeout, e);
        }
        finally
        {
            await link.DisposeAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            socket.Dispose();
            _readDeadline.Dispose();
            _writeDeadline.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Gather(ReadOnlySpan<byte> data)
    {
        if (_count + data.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Min(MaxGathered, Math.Max(_pending.Length * 2, _count + data.Length)));
        }

        data.CopyTo(_pending.AsSpan(_count));
        _count += data.Length;
    }

    private async ValueTask SendThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await FlushPendingAsync(cancellationToken);
        if (buffer.Length > MaxGathered)
        {
            await SendAllAsync(buffer, cancellationToken);
        }
        else
        {
            Gather(buffer.Span);
        }
    }

    private ValueTask FlushPendingAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var count = _count;
        _count = 0;
        return SendAllAsync(_pending.AsMemory(0, count), cancellationToken);
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                data = data[socket.Send(data)..];
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw _writeDeadline.TimedOut(_writeTimeout, e);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var token = _writeDeadline.Start(_writeTimeout, cancellationToken, out var link);
        try
        {
            while (!data.IsEmpty)
            {
                data = data[await socket.SendAsync(data, SocketFlags.None, token)..];
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw _writeDeadline.TimedOut(_writeTimeout, e);
        }
        finally
        {
            await link.DisposeAsync();
        }
    }

    /// <summary>
    /// The time limit of one direction's asynchronous operations: one token source for the stream's life, its timer
    /// moved for each operation (a read or a send per reply, thousands a second), where a linked source per operation
    /// would make a source and a timer each time. Reads do not overlap reads, nor sends sends, so one per direction.
    /// </summary>
    private sealed class Deadline(string what) : IDisposable
    {
        private CancellationTokenSource _source = new();

        /// <returns>The token for the next operation: cancelled by <paramref name="caller"/>, or when <paramref name="milliseconds"/> run out.</returns>
        /// <param name="link">Carries <paramref name="caller"/>'s cancellation over; dispose it when the operation ends.</param>
        public CancellationToken Start(int milliseconds, CancellationToken caller, out CancellationTokenRegistration link)
        {
            if (milliseconds == Timeout.Infinite)
            {
                link = default;
                return caller;
            }

            // A source that fired (the last operation timed out or was cancelled) cannot be reset: a new one.
            if (!_source.TryReset())
            {
                _source.Dispose();
                _source = new CancellationTokenSource();
            }

            link = caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source);
            _source.CancelAfter(milliseconds);
            return _source.Token;
        }

        /// <summary>What an operation of this direction that ran out throws, as MailKit's own socket stream does.</summary>
        public TimeoutException TimedOut(int milliseconds, Exception inner) =>
            new($"The SMTP connection's {what} timed out after {milliseconds} ms.", inner);

        public void Dispose() => _source.Dispose();
    }

    // A socket's timeout for "none" is 0, where a stream's is Timeout.Infinite.
    private static int SocketTimeout(int milliseconds) => milliseconds == Timeout.Infinite ? 0 : milliseconds;

    private static int ValidTimeout(int milliseconds) =>
        milliseconds == Timeout.Infinite || milliseconds > 0
            ? milliseconds
            : throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "A timeout is positive milliseconds, or Timeout.Infinite.");
}
