using ImCells.Protos.Cell;

namespace ImCells.Cell.FrontDoor;

/// <summary>What every cell and chat-server process reports about itself in Status.</summary>
internal static class ProcessStatus
{
    public static StatusReply Of(string servingId, bool collectGarbage)
    {
        if (collectGarbage)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new StatusReply
        {
            CellId = servingId,
            Pid = Environment.ProcessId,
            RssBytes = (ulong)process.WorkingSet64,
            ManagedHeapBytes = (ulong)GC.GetTotalMemory(forceFullCollection: false),
        };
    }
}
