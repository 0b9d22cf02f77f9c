using MimeKit;
using MimeKit.Encodings;
using MimeKit.IO.Filters;

namespace Broadsheet.Delivery;

/// <summary>
/// One body of a send (its text or its HTML), transfer-encoded once for every reader, with gaps where each reader's
/// own links go, and with the CRLF line ends of the wire. A reader's part content is the encoded pieces and their
/// encoded links one after the other (<see cref="AppendTo"/>), which <see cref="PreparedBody"/> writes as they are:
/// nothing is scanned, encoded or converted again when the message is written, signed or measured.
/// </summary>
/// <remarks>
/// <para>Quoted-printable as a rule: MimeKit's own <see cref="QuotedPrintableEncoder"/> encodes each fixed piece, and
/// each link, on its own. Its flush ends an unfinished line with a soft line break (<c>=</c> and a newline), so every
/// piece starts a fresh line and no line grows past the limit whatever is spliced in; decoded, the soft breaks vanish
/// and the text is exactly the send's body with the reader's links in place of the placeholders.</para>
/// <para>Base64 where MimeKit would choose it for 7-bit transport (mostly non-ASCII text, such as an Arabic
/// edition, which quoted-printable would triple): base64 cannot be spliced at a placeholder, so the reader's UTF-8
/// text is put together from the pieces and encoded whole with MimeKit's <see cref="Base64Encoder"/>.</para>
/// </remarks>
internal sealed class PersonalisedBody
{
    private readonly byte[][] _pieces;
    private readonly int[] _gaps;

    private PersonalisedBody(ContentEncoding encoding, byte[][] pieces, int[] gaps)
    {
        Encoding = encoding;
        _pieces = pieces;
        _gaps = gaps;
    }

    /// <summary><see cref="ContentEncoding.QuotedPrintable"/> or <see cref="ContentEncoding.Base64"/>.</summary>
    public ContentEncoding Encoding { get; }

    /// <param name="body">The send's text or HTML.</param>
    /// <param name="placeholders">What a reader's links replace, in the order of the links given to <see cref="Content"/>.</param>
    public static PersonalisedBody Create(string body, IReadOnlyList<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(placeholders);

        // The pieces between the placeholders, and which placeholder each gap is.
        var texts = new List<string>();
        var gaps = new List<int>();
        var start = 0;
        while (true)
        {
            var (at, which) = (-1, -1);
            for (var i = 0; i < placeholders.Count; i++)
            {
                var found = body.IndexOf(placeholders[i], start, StringComparison.Ordinal);
                if (found >= 0 && (at < 0 || found < at))
                {
                    (at, which) = (found, i);
                }
            }

            if (at < 0)
            {
                texts.Add(body[start..]);
                break;
            }

            texts.Add(body[start..at]);
            gaps.Add(which);
            start = at + placeholders[which].Length;
        }

        var utf8 = texts.Select(t => System.Text.Encoding.UTF8.GetBytes(t)).ToArray();
        var encoding = ChooseEncoding(utf8);
        var pieces = encoding == ContentEncoding.QuotedPrintable
            ? utf8.Select(QuotedPrintableCrlf).ToArray()
            : utf8;
        return new PersonalisedBody(encoding, pieces, [.. gaps]);
    }

    /// <summary>One link as it goes into a body of <paramref name="encoding"/>: quoted-printable with CRLF, or plain UTF-8 for base64.</summary>
    public static byte[] EncodeLink(string link, ContentEncoding encoding)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(link);
        return encoding == ContentEncoding.QuotedPrintable ? QuotedPrintableCrlf(utf8) : utf8;
    }

    /// <summary>Adds a reader's encoded content to <paramref name="segments"/>: <paramref name="links"/> are encoded by <see cref="EncodeLink"/> for this body's encoding.</summary>
    public void AppendTo(List<ArraySegment<byte>> segments, IReadOnlyList<byte[]> links)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(links);
        if (Encoding == ContentEncoding.QuotedPrintable)
        {
            for (var i = 0; i < _pieces.Length; i++)
            {
                segments.Add(_pieces[i]);
                if (i < _gaps.Length)
                {
                    segments.Add(links[_gaps[i]]);
                }
            }

            return;
        }

        // Base64 cannot be cut at a placeholder: the reader's text is put together and encoded whole.
        var length = 0;
        for (var i = 0; i < _pieces.Length; i++)
        {
            length += _pieces[i].Length + (i < _gaps.Length ? links[_gaps[i]].Length : 0);
        }

        var text = new byte[length];
        var at = 0;
        for (var i = 0; i < _pieces.Length; i++)
        {
            _pieces[i].CopyTo(text.AsSpan(at));
            at += _pieces[i].Length;
            if (i < _gaps.Length)
            {
                links[_gaps[i]].CopyTo(text.AsSpan(at));
                at += links[_gaps[i]].Length;
            }
        }

        var encoder = new Base64Encoder();
        var encoded = new byte[encoder.EstimateOutputLength(text.Length)];
        var written = encoder.Flush(text, 0, text.Length, encoded);
        segments.Add(Crlf(encoded, written));
    }

    private static byte[] QuotedPrintableCrlf(byte[] text)
    {
        var encoder = new QuotedPrintableEncoder();
        var output = new byte[encoder.EstimateOutputLength(text.Length)];
        return Crlf(output, encoder.Flush(text, 0, text.Length, output));
    }

    // MimeKit's encoders end lines with LF; the wire (and a DKIM body hash) has CRLF. MimeKit's own filter converts,
    // as MimeKit would when writing the part.
    private static byte[] Crlf(byte[] encoded, int length)
    {
        if (length == 0)
        {
            return [];
        }

        var output = new Unix2DosFilter().Flush(encoded, 0, length, out var start, out var converted);
        return output.AsSpan(start, converted).ToArray();
    }

    // What MimeKit's Prepare chooses for 7-bit transport (as DKIM signing asks): base64 for text that is mostly
    // 8-bit (or holds a NUL), quoted-printable otherwise; plain 7-bit text is quoted-printable here too, so that no
    // part ever needs scanning again, whatever the relay offers.
    private static ContentEncoding ChooseEncoding(byte[][] pieces)
    {
        var filter = new BestEncodingFilter();
        foreach (var piece in pieces)
        {
            filter.Filter(piece, 0, piece.Length, out _, out _);
        }

        filter.Flush([], 0, 0, out _, out _);
        return filter.GetBestEncoding(EncodingConstraint.SevenBit) == ContentEncoding.Base64 ? ContentEncoding.Base64 : ContentEncoding.QuotedPrintable;
    }
}
