using Grpc.Net.Client;
using ImCells.Protos.Topology;
using ImCells.Topology;
using Microsoft.Extensions.Logging.Abstractions;
using MasterClient = ImCells.Protos.Master.Master.MasterClient;

namespace ImCells.Unit.Tests.Topology;

/// <summary>A topology cache that holds one map and is never refreshed (it is not started), for unit tests.</summary>
internal static class FixedTopology
{
    public static TopologyCache Of(TopologyMap map) =>
        new(new TopologyIndex(map), new MasterClient(GrpcChannel.ForAddress("http://127.0.0.1:1")), TimeSpan.FromHours(1), NullLogger<TopologyCache>.Instance);
}
