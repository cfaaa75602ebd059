global using CellStatusReply = ImCells.Protos.Cell.StatusReply;
using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using ImCells.Client;
using ImCells.ClusterHost;
using ImCells.Trust;
using ImCells.Protos.Login;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Every call the tests make straight to a server's gRPC API (a cell's Status, the login servers'
/// Status and Where), in one place: when a service is split or renamed, only this file changes.
/// Tests decide outcomes through these calls and the client library, never by reading logs.
/// </summary>
internal sealed partial class ClusterApi(ClusterLayout layout)
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<ulong, string> _whereTokens = new();

    /// <summary>The cell's own Status (presence_change_calls, vlr_entries, visitors, ...), asked with the operator's certificate.</summary>
    public async Task<CellStatusReply> CellStatusAsync(string cellId, CancellationToken ct)
    {
        var self = Credentials(ClusterPki.Operator);
        using var channel = Channel(layout.CellGrpcUrl(cellId), self.Certificate, ServerNamed(self.Trust, ClusterIdentity.Cell(cellId)));
        return await CellStatusAsync(channel, ct);
    }

    /// <summary>CellAdmin.Status over <paramref name="channel"/>, for calls made as someone else (see <see cref="Channel"/>).</summary>
    public static async Task<CellStatusReply> CellStatusAsync(GrpcChannel channel, CancellationToken ct)
    {
        var cell = new CellProto.CellAdmin.CellAdminClient(channel);
        return await cell.StatusAsync(new CellProto.StatusRequest(), deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct);
    }

    /// <summary>
    /// The certificate and key of <paramref name="identity"/> from the cluster's PKI, issued by its CA now
    /// if the cluster has none (a made-up cell, a second operator), to call as that identity.
    /// </summary>
    public ClusterCredentials Credentials(ClusterIdentity identity)
    {
        var pki = layout.Pki;
        if (!File.Exists(pki.CertificateOf(identity)))
        {
            using var ca = ClusterCa.Load(pki);
            ca.EnsureIssued(pki, identity, ["127.0.0.1"]);
        }

        return ClusterCredentials.Load(pki, identity);
    }

    /// <summary>
    /// A gRPC channel to <paramref name="url"/> that presents <paramref name="clientCertificate"/> (null:
    /// none) and goes on only if <paramref name="acceptServer"/> accepts the server's certificate: to call
    /// as a stranger, with another CA's certificate, or as the wrong role or cell.
    /// </summary>
    public static GrpcChannel Channel(string url, X509Certificate2? clientCertificate, Func<X509Certificate?, bool> acceptServer) =>
        GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(3),
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                    LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => acceptServer(certificate),
                },
            },
        });

    /// <summary>Accepts a server whose certificate chains to <paramref name="trust"/>'s CA and names <paramref name="expected"/>.</summary>
    public static Func<X509Certificate?, bool> ServerNamed(ClusterTrust trust, ClusterIdentity expected) =>
        certificate => trust.TryValidate(certificate, out var identity, out _) && identity == expected;

    /// <summary>Accepts any server at all (what a stranger's client would do).</summary>
    public static Func<X509Certificate?, bool> AnyServer { get; } = _ => true;

    /// <summary>The login server's Status: topology version and every cell as it sees them.</summary>
    public async Task<StatusReply> StatusAsync(CancellationToken ct, string? loginUrl = null)
    {
        using var api = new LoginApi(loginUrl ?? layout.LoginUrl);
        return await api.StatusAsync(ct);
    }

    /// <summary>
    /// Where a user's devices are attached, as the login server reads it from the home HLR, asked as
    /// the user itself (signed in with <see cref="TestUsers.Password"/> as device "where"; the token is
    /// kept for the next look-up, and replaced when a logout revoked it).
    /// </summary>
    public async Task<WhereReply> WhereAsync(ulong user, CancellationToken ct)
    {
        using var api = new LoginApi(layout.LoginUrl);
        if (_whereTokens.TryGetValue(user, out var token))
        {
            try
            {
                return await api.WhereAsync(user, token, ct);
            }
            catch (ImClientException e) when (e.Code == Protos.Client.ErrorCode.BadToken)
            {
                // Revoked by a logout of every device: sign in again below.
            }
        }

        token = (await api.LoginAsync(user, TestUsers.Password, "where", ct)).Token;
        _whereTokens[user] = token;
        return await api.WhereAsync(user, token, ct);
    }

    /// <summary>Where <paramref name="user"/>'s devices are attached, as the holder of <paramref name="token"/> may see it.</summary>
    public async Task<WhereReply> WhereAsync(ulong user, string token, CancellationToken ct)
    {
        using var api = new LoginApi(layout.LoginUrl);
        return await api.WhereAsync(user, token, ct);
    }

    /// <summary>Polls a login server's Status until <paramref name="done"/> holds; throws naming the last status when <paramref name="ct"/> ends the wait.</summary>
    public async Task<StatusReply> WaitUntilAsync(Func<StatusReply, bool> done, string what, CancellationToken ct, string? loginUrl = null)
    {
        using var api = new LoginApi(loginUrl ?? layout.LoginUrl);
        var last = "no answer yet";
        try
        {
            while (true)
            {
                try
                {
                    var status = await api.StatusAsync(ct);
                    if (done(status))
                    {
                        return status;
                    }

                    last = status.ToString();
                }
                catch (ImClientException e)
                {
                    last = e.Message;
                }

                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the cluster did not reach '{what}'; last status: {last}");
        }
    }

    /// <summary>
    /// Polls Status until <paramref name="done"/> holds (returns that status) or <paramref name="window"/>
    /// ends (returns the last status, or null if none came).
    /// </summary>
    public async Task<StatusReply?> PollAsync(Func<StatusReply, bool> done, TimeSpan window, CancellationToken ct)
    {
        using var api = new LoginApi(layout.LoginUrl);
        var deadline = DateTime.UtcNow + window;
        StatusReply? last = null;
        while (true)
        {
            try
            {
                last = await api.StatusAsync(ct);
                if (done(last))
                {
                    return last;
                }
            }
            catch (ImClientException)
            {
                // Counted as "not there yet".
            }

            if (DateTime.UtcNow >= deadline)
            {
                return last;
            }

            await Task.Delay(Poll, ct);
        }
    }
}
