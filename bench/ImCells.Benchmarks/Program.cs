BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(ImCells.Benchmarks.BenchmarksMarker).Assembly).Run(args);

namespace ImCells.Benchmarks
{
    /// <summary>Names this assembly for the switcher (Program is ambiguous: the cell has one too).</summary>
    internal static class BenchmarksMarker;
}
