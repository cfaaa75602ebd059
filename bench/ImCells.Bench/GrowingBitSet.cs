namespace ImCells.Bench;

/// <summary>A set of small non-negative integers as bits, growing by doubling; not thread-safe.</summary>
internal sealed class GrowingBitSet
{
    private ulong[] _words = new ulong[2];

    /// <summary>Adds <paramref name="index"/>; false when it was there already.</summary>
    public bool Add(int index)
    {
        var word = index >> 6;
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }

        var bit = 1UL << (index & 63);
        if ((_words[word] & bit) != 0)
        {
            return false;
        }

        _words[word] |= bit;
        return true;
    }

    public bool Contains(int index)
    {
        var word = index >> 6;
        return word < _words.Length && (_words[word] & (1UL << (index & 63))) != 0;
    }
}
