namespace ImCells.Server.Discovery;

/// <summary>A chat server as discovery knows it: where clients connect, where its cell pushes, its load.</summary>
public sealed record ChatServerEntry(string Cell, string ServingId, string Chat, string Grpc, uint Connections);
