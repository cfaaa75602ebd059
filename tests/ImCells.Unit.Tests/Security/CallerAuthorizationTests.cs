using Grpc.Core;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;
using ImCells.Unit.Tests.Topology;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ImCells.Unit.Tests.Security;

public sealed class CallerAuthorizationTests
{
    private readonly TrustRefusals _refusals = new(NullLogger<TrustRefusals>.Instance);

    private CallerAuthorizationInterceptor Interceptor => new(_refusals);

    [Fact]
    public async Task A_role_the_service_names_gets_through()
    {
        var context = new FakeCallContext(ClusterIdentity.Cell("b"), new CallableByAttribute(ClusterRole.Cell));
        Assert.Equal("ok", await CallAsync(context));
        Assert.Equal(0, _refusals.Total);
    }

    [Fact]
    public async Task Another_role_is_refused_and_counted_against_its_identity()
    {
        var context = new FakeCallContext(ClusterIdentity.Login(0), new CallableByAttribute(ClusterRole.Cell));
        var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(context));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("may be called by cell, not by login 0", refused.Status.Detail);
        Assert.Equal(1, _refusals.ByCaller()["spiffe://imcells/login/0"]);
    }

    [Fact]
    public async Task A_caller_without_a_certificate_is_refused()
    {
        var context = new FakeCallContext(null, new CallableByAttribute(ClusterRole.Cell));
        var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(context));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task A_service_without_a_policy_is_refused_to_everybody()
    {
        var context = new FakeCallContext(ClusterIdentity.Operator("admin"));
        var refused = await Assert.ThrowsAsync<RpcException>(() => CallAsync(context));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("no caller policy", refused.Status.Detail);
    }

    [Fact]
    public async Task A_method_policy_replaces_the_service_policy()
    {
        var context = new FakeCallContext(ClusterIdentity.Cell("a"), new CallableByAttribute(ClusterRole.Cell), new CallableByAttribute(ClusterRole.Operator));
        await Assert.ThrowsAsync<RpcException>(() => CallAsync(context));
    }

    [Fact]
    public async Task A_service_open_to_clients_needs_no_certificate()
    {
        Assert.Equal("ok", await CallAsync(new FakeCallContext(null, new OpenToClientsAttribute())));
    }

    [Fact]
    public void A_cell_speaks_only_for_users_it_owns()
    {
        var map = new TopologyIndex(TopologyJson.Map(TopologyJson.TwoCells()));
        var context = new FakeCallContext(ClusterIdentity.Cell("b"));
        context.RequireOwnUsers(_refusals, map, "b", [11_000_001UL], "message sender");

        var refused = Assert.Throws<RpcException>(() => context.RequireOwnUsers(_refusals, map, "b", [11_000_001UL, 10_000_001UL], "message sender"));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal("cell 'b' may not speak for user 10000001 (message sender): that number is homed in cell 'a'", refused.Status.Detail);
        Assert.Throws<RpcException>(() => context.RequireSelfNamed(_refusals, "b", "a"));
        Assert.Equal(2, _refusals.Total);
    }

    [Fact]
    public void Only_a_cell_is_a_calling_cell()
    {
        Assert.Equal("a", new FakeCallContext(ClusterIdentity.Cell("a")).CallingCell(_refusals));
        Assert.Throws<RpcException>(() => new FakeCallContext(ClusterIdentity.ChatServer("a", 2)).CallingCell(_refusals));
        Assert.Throws<RpcException>(() => new FakeCallContext(ClusterIdentity.Login(0)).CallingCell(_refusals));
    }

    private Task<string> CallAsync(FakeCallContext context) =>
        Interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => Task.FromResult("ok"));
}
