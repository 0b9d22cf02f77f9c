using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Holds back the end of a message until a task completes: the last part's content, read asynchronously as MailKit
/// writes the message data, does not end before it. Everything up to there is done at once (the envelope is sent and
/// answered, the headers and nearly all of the body are written; <see cref="SmtpWireStream"/> sends them with the end),
/// but the server cannot accept the message, which needs the final <c>.</c>, until then.
/// </summary>
/// <remarks>
/// The dispatcher passes the recording of the same sender's previous outcome: a sender composes and starts its next
/// message while that outcome commits, and still never has two accepted messages without a durable outcome, so a crash
/// repeats at most one message per connection, as when it waited for the commit first. If the recording failed the
/// message ends with an error instead: the data is cut off (never sent whole), the server discards it, and the sender stops.
/// Synchronous writes (signing, and measuring: <see cref="SmtpConnection"/> has MailKit measure synchronously) are not held.
/// </remarks>
public static class HeldEnd
{
    /// <summary>
    /// Makes the body of <paramref name="message"/> end only once <paramref name="until"/> has completed: a
    /// <see cref="PreparedBody"/> before its closing boundary, any other before the end of its last leaf part.
    /// </summary>
    /// <returns>False when the message has no part whose content could hold it (the caller then waits first).</returns>
    public static bool Apply(MimeMessage message, Task until)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(until);
        if (message.Body is PreparedBody prepared)
        {
            // A campaign's body: everything but its closing boundary line.
            prepared.HoldEndUntil(until);
            return true;
        }

        if (message.BodyParts.LastOrDefault() is not MimePart { Content: MimeContent { Stream: { } stream } content } last)
        {
            return false;
        }

        last.Content = new MimeContent(new HeldStream(stream, until), content.Encoding);
        return true;
    }

    /// <summary>
    /// Waits for <paramref name="until"/> before a held end is written; its failure becomes the IOException that cuts
    /// the message off (the caller's own cancellation stays a cancellation).
    /// </summary>
    internal static async ValueTask WaitAsync(Task until, CancellationToken cancellationToken)
    {
        if (until.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await until.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new IOException("The previous message's outcome could not be recorded; this one is not finished.", e);
        }
    }

    private sealed class HeldStream(Stream inner, Task until) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read == 0 && buffer.Length > 0)
            {
                await WaitAsync(until, cancellationToken);
            }

            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
