using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace Broadsheet.Delivery;

/// <summary>
/// One reader's multipart/alternative body as the bytes that go on the wire: boundaries, part headers and
/// transfer-encoded content, already with CRLF line ends, made by <see cref="SendTemplate"/> from pieces shared by
/// every reader of a send and this reader's own links. Writing it is a few block copies: MimeKit's part objects and
/// their line-end filter, which cost more than the rest of the message together at thousands of messages a second
/// (bench/send), are left out. Read back, it is the multipart/alternative MimeKit would have written
/// (DeliveryComposerTests compare the two).
/// </summary>
/// <remarks>
/// Already 7-bit with short lines, so <see cref="Prepare"/> has nothing to do; DKIM signing reads it as MimeKit reads
/// any body (its content through <see cref="WriteTo(FormatOptions, Stream, bool, CancellationToken)"/>). The end can
/// be held back until a task completes (<see cref="HeldEnd"/>): asynchronous writes, as MailKit sends, stop before the
/// closing boundary until then.
/// </remarks>
internal sealed class PreparedBody : MimeEntity
{
    private readonly ArraySegment<byte>[] _segments;
    private Task? _holdEndUntil;

    /// <param name="boundary">The boundary the segments use.</param>
    /// <param name="segments">The content, in order, with CRLF line ends; the last is the closing boundary.</param>
    public PreparedBody(string boundary, ArraySegment<byte>[] segments)
        : base(new ContentType("multipart", "alternative") { Boundary = boundary })
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentOutOfRangeException.ThrowIfZero(segments.Length);
        _segments = segments;
    }

    /// <summary>The asynchronous writes of this body do not write its last segment before <paramref name="until"/> has completed.</summary>
    public void HoldEndUntil(Task until) => _holdEndUntil = until;

    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
    {
        // Quoted-printable or base64, lines of at most 76: fit for any constraint and any relay.
    }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        base.WriteTo(options, stream, contentOnly, cancellationToken);
        using var converted = Converted(options, stream);
        var output = converted ?? stream;
        foreach (var segment in _segments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The array overload: MimeKit's streams (DKIM's body hash among them) take arrays, and Stream's span
            // overload would rent a buffer and copy every segment into it first.
            output.Write(segment.Array!, segment.Offset, segment.Count);
        }

        converted?.Flush(cancellationToken);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await base.WriteToAsync(options, stream, contentOnly, cancellationToken);
        using var converted = Converted(options, stream);
        var output = converted ?? stream;
        for (var i = 0; i < _segments.Length; i++)
        {
            if (i == _segments.Length - 1 && _holdEndUntil is { } until)
            {
                // The server cannot take the message before its end arrives. (What came before is not flushed here: a
                // flush of MailKit's data stream would end the data there.)
                await HeldEnd.WaitAsync(until, cancellationToken);
            }

            await output.WriteAsync(_segments[i], cancellationToken);
        }

        if (converted is not null)
        {
            await converted.FlushAsync(cancellationToken);
        }
    }

    // The segments have the CRLF line ends of the wire and of DKIM; a caller asking for LF (a file written for Unix
    // tools) gets them converted by MimeKit's filter. Null: written as they are.
    private static FilteredStream? Converted(FormatOptions options, Stream stream)
    {
        if (options.NewLineFormat == NewLineFormat.Dos)
        {
            return null;
        }

        var filtered = new FilteredStream(stream);
        filtered.Add(new Dos2UnixFilter());
        return filtered;
    }
}
