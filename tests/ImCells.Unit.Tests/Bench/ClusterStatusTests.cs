using Grpc.Core;
using ImCells.Bench;
using ImCells.Protos.Cell;
using ImCells.Protos.Login;
using ImCells.Trust;
using ImCells.Unit.Tests.Trust;
using CellStatusReply = ImCells.Protos.Cell.StatusReply;
using CellStatusRequest = ImCells.Protos.Cell.StatusRequest;
using LoginStatusReply = ImCells.Protos.Login.StatusReply;
using LoginStatusRequest = ImCells.Protos.Login.StatusRequest;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// The bench's measurement of a cell: where the cell is comes from login's Status (no GC asked), the
/// GC'd numbers from the cell's own CellAdmin.Status, asked as the operator over mutual TLS.
/// </summary>
public sealed class ClusterStatusTests : IDisposable
{
    private static readonly HashSet<string> NoFlags = [];

    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task CellOverMutualTls_AnswersTheOperatorAfterAGc()
    {
        _pki.Certificate(OperatorChannel.Operator);
        var cellAdmin = new RecordingCellAdmin();
        await using var cell = await TlsGrpcServer.StartAsync(cellAdmin, _pki.Certificate(ClusterIdentity.Cell("a")), IsOperator);
        var login = new StatusLogin();
        await using var loginServer = await TlsGrpcServer.StartAsync(login, certificate: null);
        login.CellGrpc = cell.Url;

        var status = await ClusterStatus.CellAsync(Cluster(loginServer.Url), "a", CancellationToken.None);

        Assert.Equal(4242, status.Pid);
        Assert.Equal([false], login.CollectGarbage);
        Assert.Equal([true], cellAdmin.CollectGarbage);
    }

    [Fact]
    public async Task AnotherCellAnswering_Refused()
    {
        _pki.Certificate(OperatorChannel.Operator);
        await using var cell = await TlsGrpcServer.StartAsync(new RecordingCellAdmin(), _pki.Certificate(ClusterIdentity.Cell("b")), IsOperator);
        var login = new StatusLogin { CellGrpc = cell.Url };
        await using var loginServer = await TlsGrpcServer.StartAsync(login, certificate: null);

        var refused = await Assert.ThrowsAsync<BenchException>(() => ClusterStatus.CellAsync(Cluster(loginServer.Url), "a", CancellationToken.None));

        Assert.StartsWith($"Status of cell a at {cell.Url} failed: ", refused.Message);
        Assert.Contains("rejected by the provided RemoteCertificateValidationCallback", refused.Message);
    }

    [Fact]
    public async Task NoOperatorCertificate_SaysWhichFileIsMissing()
    {
        var login = new StatusLogin { CellGrpc = "https://127.0.0.1:1" };
        await using var loginServer = await TlsGrpcServer.StartAsync(login, certificate: null);

        var refused = await Assert.ThrowsAsync<BenchException>(() => ClusterStatus.CellAsync(Cluster(loginServer.Url), "a", CancellationToken.None));

        Assert.StartsWith("cannot act as the operator: ", refused.Message);
        Assert.Contains(_pki.Layout.CertificateOf(OperatorChannel.Operator), refused.Message);
    }

    [Fact]
    public void OnlyTheCellItself_AnswersForItsProcess()
    {
        Assert.True(OperatorChannel.IsCell(ClusterIdentity.Cell("a"), "a"));
        Assert.False(OperatorChannel.IsCell(ClusterIdentity.ChatServer("a", 1), "a"));
        Assert.False(OperatorChannel.IsCell(ClusterIdentity.Cell("b"), "a"));
        Assert.False(OperatorChannel.IsCell(ClusterIdentity.Login(0), "a"));
    }

    [Fact]
    public void CaOfThePkiDirectory_TrustedByDefault()
    {
        var cluster = Cluster("http://127.0.0.1:7100");
        Assert.Equal(_pki.Layout.CaCertificate, cluster.CaFile);
        Assert.Equal(_pki.Ca.Thumbprint, cluster.Ca!.Thumbprint);
        Assert.Equal(["--login", "http://127.0.0.1:7100", "--pki", _pki.Layout.Directory, "--ca", _pki.Layout.CaCertificate], cluster.WorkerArgs());

        var missing = Assert.Throws<BenchException>(() => BenchCluster.From(new BenchArgs(["--ca", "/nonexistent/ca.crt"], NoFlags)));
        Assert.Equal("--ca /nonexistent/ca.crt: no such file", missing.Message);
    }

    private BenchCluster Cluster(string loginUrl) =>
        BenchCluster.From(new BenchArgs(["--login", loginUrl, "--pki", _pki.Layout.Directory], NoFlags));

    private bool IsOperator(System.Security.Cryptography.X509Certificates.X509Certificate2 client) =>
        new ClusterTrust(_pki.Ca).TryValidate(client, out var identity, out _) && identity == OperatorChannel.Operator;

    /// <summary>A login server whose Status lists one cell "a" at <see cref="CellGrpc"/>.</summary>
    private sealed class StatusLogin : Protos.Login.Login.LoginBase
    {
        public string CellGrpc { get; set; } = "";

        public List<bool> CollectGarbage { get; } = [];

        public override Task<LoginStatusReply> Status(LoginStatusRequest request, ServerCallContext context)
        {
            lock (CollectGarbage)
            {
                CollectGarbage.Add(request.CollectGarbage);
            }

            return Task.FromResult(new LoginStatusReply { TopologyVersion = 1, Cells = { new CellStatus { Id = "a", Up = true, Grpc = CellGrpc } } });
        }
    }

    /// <summary>A cell's admin service that remembers what it was asked.</summary>
    private sealed class RecordingCellAdmin : CellAdmin.CellAdminBase
    {
        public List<bool> CollectGarbage { get; } = [];

        public override Task<CellStatusReply> Status(CellStatusRequest request, ServerCallContext context)
        {
            lock (CollectGarbage)
            {
                CollectGarbage.Add(request.CollectGarbage);
            }

            return Task.FromResult(new CellStatusReply { CellId = "a", Pid = 4242, Connections = 3 });
        }
    }
}
