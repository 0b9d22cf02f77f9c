namespace Broadsheet.Delivery;

/// <summary>
/// A read-only, seekable stream over a few byte segments read one after the other: a message part's content made of
/// the send's encoded text, shared by every reader, and one reader's encoded links, without copying them together.
/// One instance per message part (it keeps a position); the segments themselves are never written.
/// </summary>
internal sealed class SegmentStream : Stream
{
    private readonly ReadOnlyMemory<byte>[] _segments;
    private readonly long _length;
    private long _position;

    // Where _position is: the segment, and the offset within it.
    private int _segment;
    private int _offset;

    public SegmentStream(ReadOnlyMemory<byte>[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        _segments = segments;
        foreach (var segment in segments)
        {
            _length += segment.Length;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length && _segment < _segments.Length)
        {
            var rest = _segments[_segment].Span[_offset..];
            var n = Math.Min(rest.Length, buffer.Length - read);
            rest[..n].CopyTo(buffer[read..]);
            read += n;
            _offset += n;
            if (_offset == _segments[_segment].Length)
            {
                _segment++;
                _offset = 0;
            }
        }

        _position += read;
        return read;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<int>(cancellationToken) : Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("Cannot seek before the start of the stream.");
        }

        _position = target;
        _segment = 0;
        _offset = 0;
        var left = Math.Min(target, _length);
        while (_segment < _segments.Length && left >= _segments[_segment].Length)
        {
            left -= _segments[_segment].Length;
            _segment++;
        }

        _offset = (int)left;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("The stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is read-only.");
}
