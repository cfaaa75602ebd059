using System.Reflection;
using Grpc.Core;
using ImCells.Server.Security;
using ImCells.Trust;
using Xunit;

namespace ImCells.Unit.Tests.Security;

/// <summary>Who may call each gRPC service of the cluster (docs/SECURITY.md has the same table).</summary>
public sealed class ServicePolicyTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["CellAccountsService"] = "login",
        ["MessagePeeringService"] = "cell",
        ["SocialPeeringService"] = "cell",
        ["PresencePeeringService"] = "cell",
        ["GroupPeeringService"] = "cell",
        ["HomeLocationService"] = "cell chat",
        ["VisitorPushService"] = "cell",
        ["CellAdminService"] = "login operator",
        ["ChatServerAdminService"] = "login operator",
        ["MasterGrpcService"] = "login cell chat operator",
        ["LoginGrpcService"] = "clients",
    };

    [Fact]
    public void Every_service_of_every_server_has_the_policy_of_the_table()
    {
        var services = new[] { "ImCells.Cell", "ImCells.Master", "ImCells.Login" }
            .SelectMany(name => Assembly.Load(name).GetTypes())
            .Where(t => !t.IsAbstract && IsGrpcService(t))
            .ToDictionary(t => t.Name, Policy);

        Assert.Equal(Expected.OrderBy(e => e.Key), services.OrderBy(e => e.Key));
    }

    private static bool IsGrpcService(Type type) =>
        type.BaseType?.GetCustomAttribute<BindServiceMethodAttribute>() is not null;

    private static string Policy(Type service) =>
        service.GetCustomAttribute<OpenToClientsAttribute>() is not null ? "clients"
        : service.GetCustomAttribute<CallableByAttribute>() is { } callable ? string.Join(" ", callable.Roles.Select(r => r.ToString().ToLowerInvariant()))
        : "nobody";
}
