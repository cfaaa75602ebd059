using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImCells.ClusterHost;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cluster.Tests.Hosting;

/// <summary>
/// Where the test cluster lives: a temp folder with topology.json, the token key, a SQLite
/// database per cell (but cell b's, on PostgreSQL when the run has a server: <see cref="PostgresCell"/>)
/// and the cluster's certificates (data/pki, where the servers look by default),
/// and reserved loopback ports (see <see cref="PortReservation"/>) for master, two login servers and
/// cells "a" (eu, 10 000 000-10 999 999), "b" (us, 11 000 000-11 999 999) and "c" (ap,
/// 12 000 000-12 999 999). Cells added later take the ports add-cell wrote. Internal gRPC is
/// https:// (mutual TLS); the login servers and chat ports are plaintext on loopback.
/// </summary>
internal sealed class ClusterLayout : IDisposable
{
    public static readonly string[] InitialCells = ["a", "b", "c"];

    private readonly PortReservation _ports;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Grpc, int Chat)> _cells = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _admin = new(StringComparer.Ordinal);

    public ClusterLayout()
    {
        TempDir = Path.Combine(Path.GetTempPath(), "imcells-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(TempDir);
        // Master, two login servers, gRPC and chat per cell; then an admin endpoint for each of those processes.
        var servers = 3 + 2 * InitialCells.Length;
        _ports = PortReservation.Reserve(servers + 3 + InitialCells.Length);
        for (var i = 0; i < InitialCells.Length; i++)
        {
            _cells[InitialCells[i]] = (_ports[3 + 2 * i], _ports[4 + 2 * i]);
            _admin[$"cell {InitialCells[i]}"] = _ports[servers + 3 + i];
        }

        _admin["master"] = _ports[servers];
        _admin["login 1"] = _ports[servers + 1];
        _admin["login 2"] = _ports[servers + 2];
    }

    /// <summary>
    /// The admin endpoint (--admin) of a server started with the cluster ("master", "login 1",
    /// "cell a"), or null for one added later (it runs without).
    /// </summary>
    public string? AdminUrl(string server) => _admin.TryGetValue(server, out var port) ? $"http://127.0.0.1:{port}" : null;

    public string TempDir { get; }

    /// <summary>The cell put on PostgreSQL when the test run has a server (./test.sh starts one).</summary>
    public const string PostgresCell = "b";

    /// <summary>Cell b's database on the run's PostgreSQL server, or null: every cell on SQLite.</summary>
    public (string Name, string Connection)? PostgresDatabase { get; private set; }

    public async Task CreatePostgresDatabaseAsync()
    {
        if (ImCells.Tests.Shared.TestPostgres.AdminConnection is not null)
        {
            PostgresDatabase = await ImCells.Tests.Shared.TestPostgres.CreateDatabaseAsync("imcells_cluster");
        }
    }

    public async Task DropPostgresDatabaseAsync()
    {
        if (PostgresDatabase is { } database)
        {
            await ImCells.Tests.Shared.TestPostgres.DropDatabaseAsync(database.Name);
        }
    }

    public string TopologyPath => Path.Combine(TempDir, "topology.json");

    public string TokenKeyPath => Path.Combine(TempDir, "token.key");

    /// <summary>The data directory of the servers (they run in <see cref="TempDir"/>): data/pki holds the certificates.</summary>
    public string DataDir => Path.Combine(TempDir, "data");

    /// <summary>The cluster's certificates, as `imcells up` lays them out.</summary>
    public PkiLayout Pki => new(PkiLayout.DefaultDirectory(DataDir));

    public string MasterUrl => GrpcUrl(_ports[0]);

    /// <summary>The login server every helper uses (listed first in topology.json).</summary>
    public string LoginUrl => LoginHttpUrl(_ports[1]);

    /// <summary>The second login server.</summary>
    public string Login2Url => LoginHttpUrl(_ports[2]);

    /// <summary>Both login servers, comma-separated, as a client gives them.</summary>
    public string LoginUrls => $"{LoginUrl},{Login2Url}";

    public string LoginUrlOf(int n) => n == 1 ? LoginUrl : Login2Url;

    /// <summary>Every cell: a, b, c and those added since.</summary>
    public IReadOnlyList<string> CellIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _cells.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Where a cell on SQLite keeps its database.</summary>
    public string SqlitePath(string cellId) => Path.Combine(TempDir, $"cell-{cellId}.db");

    /// <summary>host:port of the cell's (only) chat server.</summary>
    public string ChatEndpoint(string cellId) => $"127.0.0.1:{Cell(cellId).Chat}";

    public IPEndPoint ChatIPEndPoint(string cellId) => new(IPAddress.Loopback, Cell(cellId).Chat);

    /// <summary>The cell's gRPC address (the one other cells and the login servers call).</summary>
    public string CellGrpcUrl(string cellId) => GrpcUrl(Cell(cellId).Grpc);

    /// <summary>
    /// Issues the certificates topology.json needs and does not have yet (the CA on first use), with
    /// the code `imcells up` uses: before the first start, and before a cell added later starts.
    /// </summary>
    public void PreparePki() => ClusterPki.Prepare(DataDir, TopologyFile.Load(TopologyPath).Processes());

    /// <summary>Learns a cell that imcells topology add-cell wrote into topology.json.</summary>
    public void AddCellFromTopology(string cellId)
    {
        var cell = ReadTopology()["cells"]!.AsArray().Single(c => (string?)c!["id"] == cellId)!;
        var chat = (string)cell["chat"]![0]!;
        lock (_lock)
        {
            _cells[cellId] = (new Uri((string)cell["grpc"]!).Port, int.Parse(chat[(chat.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The topology file as JSON, to edit and write back with <see cref="WriteTopology"/>.</summary>
    public JsonObject ReadTopology() => JsonNode.Parse(File.ReadAllText(TopologyPath))!.AsObject();

    /// <summary>Replaces topology.json in one rename, so the master never reads half a file.</summary>
    public void WriteTopology(JsonObject topology)
    {
        var temp = TopologyPath + ".tmp";
        File.WriteAllText(temp, topology.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, TopologyPath, overwrite: true);
    }

    public void WriteInitialTopology()
    {
        var cells = new JsonArray();
        string[] regions = ["eu", "us", "ap"];
        ulong first = 10_000_000;
        for (var i = 0; i < InitialCells.Length; i++, first += 1_000_000)
        {
            var id = InitialCells[i];
            cells.Add(new JsonObject
            {
                ["id"] = id,
                ["region"] = regions[i % regions.Length],
                ["ranges"] = new JsonArray(new JsonObject { ["first"] = first, ["last"] = first + 999_999 }),
                ["groupRanges"] = new JsonArray(new JsonObject { ["first"] = GroupNumbers(i), ["last"] = GroupNumbers(i) + 999_999 }),
                ["grpc"] = CellGrpcUrl(id),
                ["chat"] = new JsonArray(ChatEndpoint(id)),
                ["database"] = id == PostgresCell && PostgresDatabase is { } postgres
                    ? new JsonObject { ["provider"] = "postgres", ["connection"] = postgres.Connection }
                    : new JsonObject { ["provider"] = "sqlite", ["connection"] = $"Data Source={SqlitePath(id)}" },
            });
        }

        WriteTopology(new JsonObject
        {
            ["version"] = 1,
            ["master"] = new JsonObject { ["grpc"] = MasterUrl },
            ["login"] = new JsonArray(new JsonObject { ["http"] = LoginUrl }, new JsonObject { ["http"] = Login2Url }),
            ["cells"] = cells,
        });
    }

    /// <summary>Releases the ports and deletes the temp folder (a file still held open only leaves litter).</summary>
    public void Dispose()
    {
        _ports.Dispose();
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The first group number of the i-th initial cell (90 000 000 for cell a).</summary>
    public static ulong GroupNumbers(int cellIndex) => 90_000_000 + (ulong)cellIndex * 1_000_000;

    private static string GrpcUrl(int port) => $"https://127.0.0.1:{port}";

    // Plaintext on loopback until the client library speaks TLS.
    private static string LoginHttpUrl(int port) => $"http://127.0.0.1:{port}";

    private (int Grpc, int Chat) Cell(string cellId)
    {
        lock (_lock)
        {
            return _cells[cellId];
        }
    }
}
