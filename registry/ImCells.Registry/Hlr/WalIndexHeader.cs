using System.Buffers.Binary;

namespace ImCells.Registry.Hlr;

/// <summary>
/// What a SQLite -shm file (the WAL index) says about its -wal file, read before SQLite opens the
/// database (the first connection rebuilds the index from the -wal file and so forgets it):
/// <see cref="MaxFrame"/> frames were committed to the WAL generation whose header has the salts
/// <see cref="Salt"/>, and the first <see cref="Backfilled"/> of them are already copied into the
/// database file. A -shm file is left
/// behind only when the last connection did not close (a crash, SIGKILL); a clean close deletes it.
/// </summary>
/// <remarks>
/// Layout (sqlite/src/wal.c, native byte order): two copies of a 48-byte WalIndexHdr at 0 and 48
/// (version 3007000 at +0, isInit at +12, mxFrame at +16, the WAL header's salts as they are at +32),
/// then WalCkptInfo with nBackfill at 96.
/// </remarks>
internal sealed record WalIndexHeader(uint MaxFrame, uint Backfilled, byte[] Salt)
{
    private const uint WalIndexVersion = 3007000;
    private const int HeaderSize = 48;

    /// <summary>The header of <paramref name="shmPath"/>, or null when there is none or it is not whole and consistent.</summary>
    public static WalIndexHeader? Read(string shmPath)
    {
        var bytes = new byte[2 * HeaderSize + 4];
        try
        {
            using var file = new FileStream(shmPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            {
                return null;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var first = bytes.AsSpan(0, HeaderSize);
        if (!first.SequenceEqual(bytes.AsSpan(HeaderSize, HeaderSize)) || Native(first, 0) != WalIndexVersion || first[12] != 1)
        {
            return null; // being written, or not a header SQLite would trust either
        }

        return new WalIndexHeader(Native(first, 16), Native(bytes, 2 * HeaderSize), first[32..40].ToArray());
    }

    private static uint Native(ReadOnlySpan<byte> bytes, int offset) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]) : BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
}
