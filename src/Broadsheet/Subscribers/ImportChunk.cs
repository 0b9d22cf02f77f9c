using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Broadsheet.Subscribers;

/// <summary>
/// Up to <see cref="SubscriberImporter.ChunkSize"/> rows ready to be written, packed into one reused buffer: the
/// encrypted address, the blind index, the encrypted name and the languages of each row, one after the other.
/// </summary>
/// <remarks>
/// Three small arrays a row, kept until their transaction commits, were most of what the import's heap held and
/// what its collections had to walk (a PostgreSQL batch is kept whole until it commits, in case it must be redone).
/// Packed, a million rows go through a few dozen buffers that are used again and again. Row layout: languages (1
/// byte), address length (2), name length (2; 0xFFFF for none), blind index (16), address, name.
/// </remarks>
internal sealed class ImportChunk
{
    private const int HeaderSize = 5;
    private const int IndexSize = 16;
    private const ushort NoName = ushort.MaxValue;

    private byte[] _buffer;

    private ImportChunk(byte[] buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Rows in the chunk.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes used in the buffer; rows start at 0 and end here.</summary>
    public int Length { get; private set; }

    /// <summary>Rows of the file read up to the end of this chunk, valid or not (for the progress bar).</summary>
    public long RowsRead { get; set; }

    /// <summary>Bytes of the file read up to the end of this chunk.</summary>
    public long Bytes { get; set; }

    public void Add(ReadOnlySpan<byte> email, ReadOnlySpan<byte> index, byte[]? name, int languages)
    {
        if (index.Length != IndexSize || email.Length >= NoName || name is { Length: >= NoName })
        {
            throw new ArgumentException("A row does not have the shape the import writes.");
        }

        var size = HeaderSize + IndexSize + email.Length + (name?.Length ?? 0);
        if (Length + size > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + size));
        }

        var row = _buffer.AsSpan(Length, size);
        row[0] = (byte)languages;
        BinaryPrimitives.WriteUInt16LittleEndian(row[1..], (ushort)email.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(row[3..], name is null ? NoName : (ushort)name.Length);
        index.CopyTo(row[HeaderSize..]);
        email.CopyTo(row[(HeaderSize + IndexSize)..]);
        name?.CopyTo(row[(HeaderSize + IndexSize + email.Length)..]);
        Length += size;
        Count++;
    }

    /// <summary>The row starting at <paramref name="offset"/>; <see cref="Row.Next"/> is where the following one starts.</summary>
    public Row At(int offset)
    {
        var header = _buffer.AsSpan(offset, HeaderSize);
        var emailLength = BinaryPrimitives.ReadUInt16LittleEndian(header[1..]);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[3..]);
        return new Row(_buffer, offset, header[0], emailLength, nameLength == NoName ? -1 : nameLength);
    }

    /// <summary>One packed row: spans into the chunk's buffer, valid until the chunk is given back.</summary>
    public readonly ref struct Row
    {
        private readonly ReadOnlySpan<byte> _row;
        private readonly int _emailLength;
        private readonly int _nameLength;

        internal Row(byte[] buffer, int offset, int languages, int emailLength, int nameLength)
        {
            _row = buffer.AsSpan(offset, HeaderSize + IndexSize + emailLength + Math.Max(nameLength, 0));
            Languages = languages;
            _emailLength = emailLength;
            _nameLength = nameLength;
            Next = offset + _row.Length;
        }

        public int Languages { get; }

        public ReadOnlySpan<byte> Index => _row.Slice(HeaderSize, IndexSize);

        public ReadOnlySpan<byte> Email => _row.Slice(HeaderSize + IndexSize, _emailLength);

        public bool HasName => _nameLength >= 0;

        public ReadOnlySpan<byte> Name => HasName ? _row.Slice(HeaderSize + IndexSize + _emailLength, _nameLength) : default;

        /// <summary>The bytes the row's values take together.</summary>
        public int Size => _row.Length;

        public int Next { get; }
    }

    /// <summary>
    /// Chunks handed back after their rows were written, to be filled again; bounded by how many can be in flight at
    /// once (the pipeline's and the writer's), so it never holds more than the import needed at its busiest.
    /// </summary>
    public sealed class Pool
    {
        // About 130 bytes a row in practice; the buffer grows if a chunk of long names needs more.
        private const int InitialBufferSize = 160 * 1024;

        private readonly ConcurrentBag<ImportChunk> _free = [];

        public ImportChunk Rent() => _free.TryTake(out var chunk) ? chunk : new ImportChunk(new byte[InitialBufferSize]);

        public void Return(ImportChunk chunk)
        {
            chunk.Count = chunk.Length = 0;
            chunk.RowsRead = chunk.Bytes = 0;
            _free.Add(chunk);
        }
    }
}
