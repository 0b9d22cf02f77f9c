using System.Buffers;
using System.Globalization;
using System.Text;

namespace Broadsheet.Subscribers;

/// <summary>
/// Reads RFC 4180 CSV one record at a time, so a subscriber file of any size streams through a fixed
/// buffer. Quoted fields may hold commas, doubled quotes and line breaks; <see cref="Line"/> is the
/// physical line a record starts on, so a report can point at the line an editor shows.
/// </summary>
/// <remarks>
/// Lenient where spreadsheets are sloppy and the intent is clear: a quote inside an unquoted field, or
/// text after a closing quote, is kept as written. Line breaks may be CRLF, LF or a lone CR.
/// </remarks>
internal sealed class SubscriberCsvReader(TextReader reader)
{
    /// <summary>
    /// A record longer than this is refused rather than buffered: an unbalanced quote would otherwise
    /// pull the rest of the file into one field.
    /// </summary>
    public const int MaxRecordChars = 64 * 1024;

    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n");

    private readonly TextReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly char[] _buffer = new char[32 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private bool _endOfInput;
    private long _nextLine = 1;
    private int _recordChars;
    private bool _tooLong;
    private bool _lastWasCarriageReturn;

    /// <summary>The 1-based line the last record read started on.</summary>
    public long Line { get; private set; }

    /// <summary>Why the last record cannot be trusted, in words for a report; null when it is well-formed.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the input.</summary>
    public bool Read(List<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        Problem = null;
        _recordChars = 0;
        _tooLong = false;
        if (!HasData())
        {
            return false;
        }

        Line = _nextLine;
        while (true)
        {
            _field.Clear();
            if (HasData() && _buffer[_position] == '"')
            {
                _position++;
                if (!ReadQuoted())
                {
                    fields.Add(TakeField());
                    Problem = "unterminated quoted field (a \" with no closing \")";
                    return true;
                }
            }

            // Unquoted text, or whatever follows a closing quote up to the next separator.
            ReadUnquoted();
            fields.Add(TakeField());
            if (!HasData())
            {
                break;
            }

            var separator = _buffer[_position++];
            if (separator == ',')
            {
                continue;
            }

            if (separator == '\r' && HasData() && _buffer[_position] == '\n')
            {
                _position++;
            }

            _nextLine++;
            break;
        }

        if (_tooLong)
        {
            Problem = string.Create(CultureInfo.InvariantCulture, $"row longer than {MaxRecordChars:N0} characters");
        }

        return true;
    }

    private void ReadUnquoted()
    {
        while (HasData())
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var stop = span.IndexOfAny(UnquotedStops);
            Append(stop < 0 ? span : span[..stop]);
            if (stop >= 0)
            {
                _position += stop;
                return;
            }

            _position = _length;
        }
    }

    /// <returns>False when the input ended inside the quotes.</returns>
    private bool ReadQuoted()
    {
        _lastWasCarriageReturn = false;
        while (HasData())
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var quote = span.IndexOf('"');
            var text = quote < 0 ? span : span[..quote];
            CountLineBreaks(text);
            Append(text);
            if (quote < 0)
            {
                _position = _length;
                continue;
            }

            _position += quote + 1;
            if (HasData() && _buffer[_position] == '"')
            {
                Append("\"");
                _lastWasCarriageReturn = false;
                _position++;
                continue;
            }

            return true;
        }

        return false;
    }

    // A CRLF inside quotes is one line break: the CR counts, and an LF right after a CR (even one that
    // arrives with the next buffer) does not.
    private void CountLineBreaks(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c == '\r' || (c == '\n' && !_lastWasCarriageReturn))
            {
                _nextLine++;
            }

            _lastWasCarriageReturn = c == '\r';
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_tooLong)
        {
            return;
        }

        _recordChars += text.Length;
        if (_recordChars > MaxRecordChars)
        {
            _tooLong = true;
            return;
        }

        _field.Append(text);
    }

    private string TakeField() => _field.Length == 0 ? string.Empty : _field.ToString();

    private bool HasData()
    {
        if (_position < _length)
        {
            return true;
        }

        if (_endOfInput)
        {
            return false;
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        _endOfInput = _length == 0;
        return !_endOfInput;
    }
}
