namespace ImCells.Trust;

/// <summary>What a process of the cluster is; each role may call a different set of services.</summary>
public enum ClusterRole
{
    Master,
    Login,
    Cell,
    /// <summary>An extra chat server of a cell (serving id "cell#n").</summary>
    Chat,
    /// <summary>A person operating the cluster (the CLI's admin commands, the bench tool).</summary>
    Operator,
}
