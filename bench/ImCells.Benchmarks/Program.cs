if (args is ["idle-sessions", ..])
{
    return ImCells.Benchmarks.IdleSessionProbe.Run(args);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(ImCells.Benchmarks.BenchmarksMarker).Assembly).Run(args);
return 0;

namespace ImCells.Benchmarks
{
    /// <summary>Names this assembly for the switcher (Program is ambiguous: the cell has one too).</summary>
    internal static class BenchmarksMarker;
}
