using ImCells.Trust;

namespace ImCells.Server.Security;

/// <summary>
/// Which roles of the cluster may call a gRPC service (on the class) or one method (on the method,
/// replacing the class's list). A service without this or <see cref="OpenToClientsAttribute"/> is
/// refused to everybody: a forgotten policy fails closed.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class CallableByAttribute(params ClusterRole[] roles) : Attribute
{
    public IReadOnlyList<ClusterRole> Roles { get; } = roles;
}

/// <summary>A service for devices and people (the login API): no cluster certificate is asked for.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OpenToClientsAttribute : Attribute;
