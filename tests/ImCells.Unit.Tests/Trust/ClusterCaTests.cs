using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ImCells.Trust;
using Xunit;

namespace ImCells.Unit.Tests.Trust;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterCaTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imcells-pki-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Issued_certificate_names_its_identity_and_chains_to_the_ca_only()
    {
        var layout = new PkiLayout(Path.Combine(_dir, "pki"));
        using var ca = ClusterCa.LoadOrCreate(layout);
        ca.EnsureIssued(layout, ClusterIdentity.ChatServer("a", 2), ["127.0.0.1"]);

        var credentials = ClusterCredentials.Load(layout, ClusterIdentity.ChatServer("a", 2));
        Assert.Equal(ClusterRole.Chat, credentials.Identity.Role);
        Assert.Equal("a#2", credentials.Identity.Id);
        Assert.Equal("a", credentials.Identity.CellId);
        Assert.Equal("spiffe://imcells/chat/a/2", credentials.Identity.ToString());

        var other = new PkiLayout(Path.Combine(_dir, "other"));
        using var otherCa = ClusterCa.LoadOrCreate(other);
        otherCa.EnsureIssued(other, ClusterIdentity.Cell("a"), []);
        using var foreign = X509Certificate2.CreateFromPemFile(other.CertificateOf(ClusterIdentity.Cell("a")), other.KeyOf(ClusterIdentity.Cell("a")));
        Assert.False(credentials.Trust.TryValidate(foreign, out _, out var problem));
        Assert.Contains("not signed by the cluster CA", problem);
    }

    [Fact]
    public void Keys_are_owner_only_and_a_shared_key_is_refused()
    {
        var layout = new PkiLayout(Path.Combine(_dir, "pki"));
        using var ca = ClusterCa.LoadOrCreate(layout);
        ca.EnsureIssued(layout, ClusterIdentity.Cell("a"), []);

        Assert.Equal("700", PrivateFiles.Octal(File.GetUnixFileMode(layout.Directory)));
        Assert.Equal("600", PrivateFiles.Octal(File.GetUnixFileMode(layout.CaKey)));
        var key = layout.KeyOf(ClusterIdentity.Cell("a"));
        Assert.Equal("600", PrivateFiles.Octal(File.GetUnixFileMode(key)));

        File.SetUnixFileMode(key, File.GetUnixFileMode(key) | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
        var refused = Assert.Throws<PrivateFileException>(() => ClusterCredentials.Load(layout, ClusterIdentity.Cell("a")));
        Assert.Equal($"key file {key} is readable by others (mode 644); run: chmod 600 {key}", refused.Message);
    }

    [Theory]
    [InlineData("spiffe://imcells/cell/a", true)]
    [InlineData("spiffe://imcells/chat/a/3", true)]
    [InlineData("spiffe://imcells/login/0", true)]
    [InlineData("spiffe://imcells/master/master", true)]
    [InlineData("spiffe://imcells/operator/admin", true)]
    [InlineData("spiffe://other/cell/a", false)]
    [InlineData("spiffe://imcells/cell/a/b", false)]
    [InlineData("spiffe://imcells/chat/a/0", false)]
    [InlineData("spiffe://imcells/cell/a%23b", false)]
    [InlineData("https://imcells/cell/a", false)]
    public void Identity_uris_round_trip_and_strangers_are_refused(string uri, bool valid)
    {
        Assert.Equal(valid, ClusterIdentity.TryParse(new Uri(uri), out var identity));
        if (valid)
        {
            Assert.Equal(uri, identity!.ToString());
        }
    }

    [Fact]
    public async Task Mutual_tls_handshake_shows_each_side_the_others_identity()
    {
        var layout = new PkiLayout(Path.Combine(_dir, "pki"));
        using var ca = ClusterCa.LoadOrCreate(layout);
        ca.EnsureIssued(layout, ClusterIdentity.Cell("a"), ["127.0.0.1"]);
        ca.EnsureIssued(layout, ClusterIdentity.Cell("b"), ["127.0.0.1"]);
        var a = ClusterCredentials.Load(layout, ClusterIdentity.Cell("a"));
        var b = ClusterCredentials.Load(layout, ClusterIdentity.Cell("b"));

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        ClusterIdentity? seenByServer = null;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = a.Certificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, c, _, _) => a.Trust.TryValidate(c, out seenByServer, out _),
            });
            await tls.WriteAsync(new byte[] { 42 });
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(ClusterTls.ClientOptions(b.Trust, b.Certificate, id => id == ClusterIdentity.Cell("a")));
        var buffer = new byte[1];
        Assert.Equal(1, await clientTls.ReadAsync(buffer));
        await server;
        Assert.Equal(ClusterIdentity.Cell("b"), seenByServer);
    }

    [Fact]
    public void During_a_ca_rotation_a_file_with_both_cas_trusts_both()
    {
        var old = new PkiLayout(Path.Combine(_dir, "old"));
        var next = new PkiLayout(Path.Combine(_dir, "new"));
        using var oldCa = ClusterCa.LoadOrCreate(old);
        using var newCa = ClusterCa.LoadOrCreate(next);
        oldCa.EnsureIssued(old, ClusterIdentity.Cell("a"), []);
        newCa.EnsureIssued(next, ClusterIdentity.Cell("b"), []);
        var both = Path.Combine(_dir, "both.crt");
        File.WriteAllText(both, File.ReadAllText(old.CaCertificate) + File.ReadAllText(next.CaCertificate));

        var trust = ClusterTrust.FromFile(both);
        using var a = X509CertificateLoader.LoadCertificateFromFile(old.CertificateOf(ClusterIdentity.Cell("a")));
        using var b = X509CertificateLoader.LoadCertificateFromFile(next.CertificateOf(ClusterIdentity.Cell("b")));
        Assert.True(trust.TryValidate(a, out var first, out _));
        Assert.True(trust.TryValidate(b, out var second, out _));
        Assert.Equal((ClusterIdentity.Cell("a"), ClusterIdentity.Cell("b")), (first, second));
        Assert.False(ClusterTrust.FromFile(old.CaCertificate).TryValidate(b, out _, out _));
    }

    [Fact]
    public void An_existing_shared_directory_is_tightened_to_the_owner()
    {
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0x1ED); // 0755, as folders were made before
        PrivateFiles.CreateOwnerOnlyDirectory(data);
        Assert.Equal("700", PrivateFiles.Octal(File.GetUnixFileMode(data)));
    }
}
