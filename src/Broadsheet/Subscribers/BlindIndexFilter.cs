using System.Numerics;

namespace Broadsheet.Subscribers;

/// <summary>
/// A Bloom filter of the blind indexes already in the database when an import starts, so the PostgreSQL import
/// can COPY rows that cannot conflict straight into <c>subscribers</c> and send only the rows that might (a real
/// match or a false positive, under 1%) through the <c>ON CONFLICT</c> path. It says "maybe" or "certainly not";
/// a "certainly not" that turns out wrong (a concurrent signup after the filter was loaded) makes the COPY fail
/// on the unique index, and the importer redoes that batch the careful way, so correctness never depends on it.
/// </summary>
/// <remarks>
/// The blind index is an HMAC, so its bits are already uniformly random: the probes are taken from the key itself
/// (double hashing), with no further hashing. About 10 to 20 bits a key (rounded up to a power of two): 1.2 to
/// 2.5 MB for a million subscribers, where an exact set would take 28 MB.
/// </remarks>
internal sealed class BlindIndexFilter
{
    private const int Probes = 7;
    private const int BitsPerKey = 10;

    private readonly ulong[] _bits;
    private readonly ulong _mask;

    public BlindIndexFilter(long expectedKeys)
    {
        var bits = Math.Max(1UL << 16, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(expectedKeys, 1) * BitsPerKey));
        _bits = new ulong[bits / 64];
        _mask = bits - 1;
    }

    /// <summary>Keys added so far.</summary>
    public long Count { get; private set; }

    public void Add((ulong High, ulong Low) key)
    {
        var step = key.Low | 1;
        var bit = key.High;
        for (var i = 0; i < Probes; i++, bit += step)
        {
            var at = bit & _mask;
            _bits[at >> 6] |= 1UL << (int)(at & 63);
        }

        Count++;
    }

    /// <summary>False only if the key was certainly not added.</summary>
    public bool MightContain((ulong High, ulong Low) key)
    {
        if (Count == 0)
        {
            return false;
        }

        var step = key.Low | 1;
        var bit = key.High;
        for (var i = 0; i < Probes; i++, bit += step)
        {
            var at = bit & _mask;
            if ((_bits[at >> 6] & (1UL << (int)(at & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
