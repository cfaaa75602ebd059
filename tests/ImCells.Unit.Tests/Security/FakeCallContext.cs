using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using ImCells.Trust;
using Microsoft.AspNetCore.Http;

namespace ImCells.Unit.Tests.Security;

/// <summary>
/// A gRPC call context over a real HttpContext, as grpc-dotnet gives services: the endpoint's
/// metadata (the service's attributes) and the connection's client certificate.
/// </summary>
internal sealed class FakeCallContext : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = new();

    public FakeCallContext(ClusterIdentity? caller, params object[] endpointMetadata)
    {
        var http = new DefaultHttpContext();
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(endpointMetadata), "test"));
        http.Connection.ClientCertificate = caller is null ? null : CertificateNaming(caller);
        _userState["__HttpContext"] = http; // where GetHttpContext() finds it outside the real server
    }

    /// <summary>A throwaway self-signed certificate naming <paramref name="identity"/> (chain checks happen in the TLS handshake, not here).</summary>
    public static X509Certificate2 CertificateNaming(ClusterIdentity identity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(identity.Uri);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
    }

    protected override string MethodCore => "/test.Service/Call";
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:5000";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => [];
    protected override CancellationToken CancellationTokenCore => CancellationToken.None;
    protected override Metadata ResponseTrailersCore => [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore => new(null, new Dictionary<string, List<AuthProperty>>());
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
