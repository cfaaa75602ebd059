using System.Buffers.Binary;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Counts the frames of a SQLite -wal file that SQLite's own recovery would keep: from the start,
/// frames whose salts match the WAL header and whose running checksum is right, up to the last
/// commit frame. Read without SQLite, so that a database about to be refused is left as it was
/// (opening it would rebuild the -shm file from the -wal and forget what was lost).
/// </summary>
/// <remarks>Format: sqlite.org/fileformat2.html#walformat; checksum: walChecksumBytes in sqlite/src/wal.c.</remarks>
internal static class WalFile
{
    private const int HeaderSize = 32;
    private const int FrameHeaderSize = 24;
    private const uint MagicLittleEndian = 0x377f0682;
    private const uint MagicBigEndian = 0x377f0683;

    /// <summary>
    /// Committed frames in <paramref name="walPath"/> of the WAL generation whose salts are
    /// <paramref name="salt"/> (8 bytes, as in the WAL header); 0 when the file is missing, its header
    /// is not valid, or it belongs to another generation.
    /// </summary>
    public static uint CommittedFrames(string walPath, ReadOnlySpan<byte> salt)
    {
        FileStream file;
        try
        {
            file = new FileStream(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }

        using (file)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            if (file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                return 0;
            }

            var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
            var pageSize = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
            if (magic is not (MagicLittleEndian or MagicBigEndian) || pageSize is < 512 or > 65536 || (pageSize & (pageSize - 1)) != 0
                || !header[16..24].SequenceEqual(salt))
            {
                return 0;
            }

            var bigEndian = magic == MagicBigEndian;
            var (s1, s2) = Checksum(bigEndian, header[..24], 0, 0);
            if (s1 != BinaryPrimitives.ReadUInt32BigEndian(header[24..]) || s2 != BinaryPrimitives.ReadUInt32BigEndian(header[28..]))
            {
                return 0;
            }

            var frame = new byte[FrameHeaderSize + pageSize];
            uint frames = 0, committed = 0;
            while (file.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false) == frame.Length)
            {
                var span = frame.AsSpan();
                if (BinaryPrimitives.ReadUInt32BigEndian(span) == 0 || !span[8..16].SequenceEqual(salt))
                {
                    break;
                }

                (s1, s2) = Checksum(bigEndian, span[..8], s1, s2);
                (s1, s2) = Checksum(bigEndian, span[FrameHeaderSize..], s1, s2);
                if (s1 != BinaryPrimitives.ReadUInt32BigEndian(span[16..]) || s2 != BinaryPrimitives.ReadUInt32BigEndian(span[20..]))
                {
                    break;
                }

                frames++;
                if (BinaryPrimitives.ReadUInt32BigEndian(span[4..]) != 0)
                {
                    committed = frames; // a commit frame: everything up to here survives recovery
                }
            }

            return committed;
        }
    }

    private static (uint, uint) Checksum(bool bigEndian, ReadOnlySpan<byte> data, uint s1, uint s2)
    {
        for (var i = 0; i < data.Length; i += 8)
        {
            var a = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[i..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            var b = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[(i + 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            s1 += a + s2;
            s2 += b + s1;
        }

        return (s1, s2);
    }
}
