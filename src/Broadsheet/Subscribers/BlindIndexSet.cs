namespace Broadsheet.Subscribers;

/// <summary>
/// The import's de-duplication set: the first 96 bits of each blind index seen so far, 12 bytes a slot in one
/// open-addressed table, where a <see cref="HashSet{T}"/> of 128-bit keys takes 28 bytes an entry (a hash code,
/// a link and a bucket besides the key). Sized once from the file's line count, it holds a million-row file in
/// 16 MB.
/// </summary>
/// <remarks>
/// The keys are HMAC output, uniformly random, so the slot is taken straight from the key's high bits (no further
/// hashing) and collisions are resolved by linear probing. 96 bits: two different addresses of a ten-million-row
/// file share them by chance with a probability of about 10^-15, and each 4 bytes less a slot is 4 MB less of the
/// import's peak memory. An all-zero key marks an empty slot, so a real all-zero key (a chance of 2^-96) is kept
/// aside in a flag.
/// </remarks>
internal sealed class BlindIndexSet
{
    private ulong[] _high;
    private uint[] _low;
    private ulong _capacity;
    private long _count;
    private bool _hasZero;

    /// <param name="expectedKeys">At most this many keys are expected; more still fit, the table grows.</param>
    public BlindIndexSet(long expectedKeys)
    {
        _capacity = CapacityFor(expectedKeys);
        _high = new ulong[_capacity];
        _low = new uint[_capacity];
    }

    public long Count => _count;

    /// <summary>Adds the key (its first 96 bits); false if it was there already.</summary>
    public bool Add((ulong High, ulong Low) key)
    {
        var low = (uint)(key.Low >> 32);
        if (key.High == 0 && low == 0)
        {
            if (_hasZero)
            {
                return false;
            }

            _hasZero = true;
            _count++;
            return true;
        }

        if ((ulong)(_count + 1) * 4 > _capacity * 3)
        {
            Grow();
        }

        if (!TryPlace(_high, _low, _capacity, key.High, low))
        {
            return false;
        }

        _count++;
        return true;
    }

    // Three quarters full at most: linear probing stays a few slots (a cache line or two) long.
    private static ulong CapacityFor(long keys) => (ulong)Math.Max(16, keys + (keys / 3) + 1);

    /// <returns>False if the key is there already.</returns>
    private static bool TryPlace(ulong[] highs, uint[] lows, ulong capacity, ulong high, uint low)
    {
        // The high 64 bits of high × capacity: a uniform slot in [0, capacity) without a division.
        var slot = Math.BigMul(high, capacity, out _);
        while (true)
        {
            var atHigh = highs[slot];
            var atLow = lows[slot];
            if (atHigh == 0 && atLow == 0)
            {
                highs[slot] = high;
                lows[slot] = low;
                return true;
            }

            if (atHigh == high && atLow == low)
            {
                return false;
            }

            if (++slot == capacity)
            {
                slot = 0;
            }
        }
    }

    private void Grow()
    {
        var capacity = _capacity * 2;
        var highs = new ulong[capacity];
        var lows = new uint[capacity];
        for (var i = 0; i < _high.Length; i++)
        {
            if (_high[i] != 0 || _low[i] != 0)
            {
                TryPlace(highs, lows, capacity, _high[i], _low[i]);
            }
        }

        (_high, _low, _capacity) = (highs, lows, capacity);
    }
}
