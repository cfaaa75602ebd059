using System.Runtime.InteropServices;

namespace ImCells.ClusterHost;

/// <summary>kill(2): .NET can send SIGKILL (Process.Kill) but not SIGTERM.</summary>
internal static class UnixSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks <paramref name="pid"/> to stop; false when it is gone or this is not Unix.</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    // Blittable arguments only: no marshalling stub, so no unsafe code for LibraryImport's generator.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
