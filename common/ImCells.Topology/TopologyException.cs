namespace ImCells.Topology;

/// <summary>A topology that cannot be served; the message names the problem.</summary>
public sealed class TopologyException(string message) : Exception(message);
