using Microsoft.Extensions.Options;

namespace ImCells.Cell;

/// <summary>Which place of the topology this process is (--cell, --chat-server). Bound from "Cell", checked at start.</summary>
internal sealed class CellOptions
{
    public const string Section = "Cell";

    /// <summary>The cell of the topology this process serves (--cell); required.</summary>
    public string Id { get; set; } = "";

    /// <summary>0 (default): the cell process itself; N: its N-th extra chat server (--chat-server N).</summary>
    public int ChatServer { get; set; }

    /// <summary>This process as a place devices attach to: the cell id, or "cell#n" for an extra chat server.</summary>
    public CellIdentity Identity => new(Id, ChatServer > 0 ? $"{Id}{Topology.TopologyIndex.ChatServerMark}{ChatServer}" : null);

    /// <summary>The identity its certificate must name: spiffe://imcells/cell/{Id}, or spiffe://imcells/chat/{Id}/{ChatServer}.</summary>
    public Trust.ClusterIdentity ClusterIdentity =>
        ChatServer > 0 ? Trust.ClusterIdentity.ChatServer(Id, ChatServer) : Trust.ClusterIdentity.Cell(Id);
}

internal sealed class CellOptionsValidation : IValidateOptions<CellOptions>
{
    public ValidateOptionsResult Validate(string? name, CellOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(o.Id))
        {
            errors.AddError("Cell:Id is required: which cell of the topology to serve (--cell ID)");
        }

        if (o.ChatServer < 0)
        {
            errors.AddError($"Cell:ChatServer = {o.ChatServer}: must be 0 (the cell) or the number of one of its chat servers (--chat-server N)");
        }

        return errors.Build();
    }
}
