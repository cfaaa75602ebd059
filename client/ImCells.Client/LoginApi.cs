using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using ImCells.Protos.Client;
using ImCells.Protos.Login;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// The login servers' gRPC API with the client's error model: every RpcException becomes an
/// <see cref="ImClientException"/> carrying the server's detail, and every call has a deadline.
/// Several login servers may be given (comma-separated); a call that finds one unreachable tries
/// the next, and the one that answered is asked first from then on. https:// servers are checked
/// as <see cref="LoginChannel"/> says.
/// </summary>
public sealed class LoginApi : IDisposable
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    private readonly LoginChannel[] _channels;
    private int _preferred;

    /// <param name="loginUrls">One login server URL or several, comma-separated.</param>
    /// <param name="trustedCa">
    /// The cluster CA that https:// login servers must chain to (and name a login server); null for the
    /// system's trust store.
    /// </param>
    public LoginApi(string loginUrls, X509Certificate2? trustedCa = null)
    {
        LoginUrl = loginUrls;
        var urls = loginUrls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            throw new ArgumentException("no login server URL given", nameof(loginUrls));
        }

        var trust = trustedCa is null ? null : new ClusterTrust(trustedCa);
        _channels = urls.Select(u => LoginChannel.Open(u, trust)).ToArray();
    }

    /// <summary>The login server URLs, comma-separated, as given.</summary>
    public string LoginUrl { get; }

    /// <summary>Registers with a fresh request id (see the overload with a request id).</summary>
    public Task<ulong> RegisterAsync(string name, string password, string? cell = null, CancellationToken ct = default) =>
        RegisterAsync(name, password, cell, null, ct);

    /// <summary>
    /// Registers under <paramref name="requestId"/> (null: a fresh random one; 1-64 of A-Z a-z 0-9 . _ : -).
    /// When the reply is lost (no answer in time, the connection dropped, a server unavailable), asks
    /// again with the same id, at the next login server, up to <see cref="RegisterAttempts"/> times in
    /// all: the servers answer a repeated id with the first number, never with a second account. A
    /// request is marked as a retry unless it is the first with an id made here: an id the caller
    /// gives may have been sent before (a command run again after its reply was lost).
    /// </summary>
    public async Task<ulong> RegisterAsync(string name, string password, string? cell, string? requestId, CancellationToken ct = default)
    {
        var id = requestId ?? NewRequestId();
        for (var attempt = 1; ; attempt++)
        {
            var request = new RegisterRequest { Name = name, Password = password, Cell = cell ?? "", RequestId = id };
            var sent = requestId is null ? attempt - 1 : attempt;
            try
            {
                // Every call after the first is a retry, also when CallAsync fails over to the next login server.
                var reply = await CallAsync("Register", client =>
                {
                    request.Retry = sent++ > 0;
                    return client.RegisterAsync(request, deadline: Deadline(), cancellationToken: ct);
                }, ct);
                return reply.UserId;
            }
            catch (ImClientException e) when (attempt < RegisterAttempts && IsLostReply(e))
            {
                // The first attempt may have registered: the same id again, preferably elsewhere.
                Volatile.Write(ref _preferred, (Volatile.Read(ref _preferred) + 1) % _channels.Length);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
            catch (ImClientException e) when (IsLostReply(e))
            {
                throw new ImClientException(e.Code,
                    $"{e.Message} (registration request id {id}: registering again with it returns the number if one was registered)", e.GrpcStatus, e);
            }
        }
    }

    /// <summary>How many times <see cref="RegisterAsync(string, string, string?, string?, CancellationToken)"/> asks in all.</summary>
    public const int RegisterAttempts = 3;

    /// <summary>A request id no other registration will have: 32 random hex digits.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    public Task<LoginResult> LoginAsync(ulong userId, string password, string deviceId, CancellationToken ct = default) =>
        LoginAsync(userId, password, deviceId, null, null, ct);

    /// <summary>Logs in and attaches to <paramref name="preferCell"/>, or a cell of <paramref name="region"/>, instead of the home cell (roaming).</summary>
    public async Task<LoginResult> LoginAsync(ulong userId, string password, string deviceId, string? preferCell, string? region, CancellationToken ct = default)
    {
        var request = new LoginRequest { UserId = userId, Password = password, DeviceId = deviceId, PreferCell = preferCell ?? "", Region = region ?? "" };
        var reply = await CallAsync("Login", client => client.LoginAsync(request, deadline: Deadline(), cancellationToken: ct), ct);
        return new LoginResult(
            reply.UserId,
            reply.Token,
            reply.CellId,
            reply.ChatEndpoints.ToArray(),
            DateTimeOffset.FromUnixTimeMilliseconds(reply.ExpiresAtMs),
            reply.Name,
            reply.HomeCell);
    }

    /// <summary>
    /// The user's home cell and where each of its devices is attached, asked as the signed-in user
    /// of <paramref name="token"/> (from <see cref="LoginAsync(ulong, string, string, CancellationToken)"/>).
    /// A user who hides from the asker (a block, or friends only) fails as a number nobody holds.
    /// </summary>
    public Task<WhereReply> WhereAsync(ulong userId, string token, CancellationToken ct = default) =>
        CallAsync("Where", client => client.WhereAsync(new WhereRequest { UserId = userId, Token = token }, deadline: Deadline(), cancellationToken: ct), ct);

    /// <summary>The topology version and, per cell, where it is and whether it is up (no figures: those are for operators).</summary>
    public Task<StatusReply> StatusAsync(CancellationToken ct = default) =>
        CallAsync("Status", client => client.StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: ct), ct);

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallDeadline);

    private async Task<T> CallAsync<T>(string method, Func<Login.LoginClient, AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        var first = Volatile.Read(ref _preferred);
        for (var attempt = 0; ; attempt++)
        {
            var index = (first + attempt) % _channels.Length;
            try
            {
                var result = await call(_channels[index].Client);
                Volatile.Write(ref _preferred, index);
                return result;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(ct);
            }
            catch (RpcException e) when ((IsUnreachable(e) || TlsFailure(e) is not null) && attempt + 1 < _channels.Length)
            {
                // This login server is down, cut off or not to be trusted: the next one can answer the same request.
            }
            catch (RpcException e) when (TlsFailure(e) is { } tls)
            {
                var channel = _channels[index];
                throw new ImClientException(
                    ErrorCode.Unavailable, $"TLS handshake with login server {channel.Target} failed: {channel.RefusalReason ?? tls.Message}", e.StatusCode, e);
            }
            catch (RpcException e)
            {
                throw new ImClientException(ToErrorCode(e.StatusCode), Describe(method, _channels[index], e), e.StatusCode, e);
            }
        }
    }

    // A registration's answer that may have been lost on the way: asked again with the same request id.
    private static bool IsLostReply(ImClientException e) =>
        e.GrpcStatus is StatusCode.DeadlineExceeded or StatusCode.Unavailable or StatusCode.Aborted
        || (e.GrpcStatus is StatusCode.Internal or StatusCode.Unknown && e.InnerException is RpcException rpc && TlsFailure(rpc) is null);

    // Only a login server that cannot be reached is skipped; a "server is up, home cell down" answer is
    // final, and so is a timeout: a slow server may have done the work (Register retries such answers
    // itself, with its request id).
    private static bool IsUnreachable(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable && !e.Status.Detail.Contains("cell", StringComparison.Ordinal);

    private static string Describe(string method, LoginChannel channel, RpcException e) => e.StatusCode switch
    {
        StatusCode.DeadlineExceeded => $"{method} at {channel.Target} got no answer within {CallDeadline.TotalSeconds:0} s",
        StatusCode.Unavailable when string.IsNullOrEmpty(e.Status.Detail) => $"login server {channel.Target} is unavailable",
        StatusCode.Unavailable when IsUnreachable(e) => $"login server {channel.Target} is unavailable: {e.Status.Detail}",
        _ when string.IsNullOrEmpty(e.Status.Detail) => $"{method} failed: {e.StatusCode}",
        _ => e.Status.Detail,
    };

    // gRPC reports a failed handshake as INTERNAL, with the TLS exception a few levels down.
    private static AuthenticationException? TlsFailure(RpcException e)
    {
        for (var inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException tls)
            {
                return tls;
            }
        }

        return null;
    }

    // The protocol's error codes have no gRPC twin for every status; keep the nearest meaning.
    private static ErrorCode ToErrorCode(StatusCode status) => status switch
    {
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => ErrorCode.BadToken,
        StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition
            or StatusCode.AlreadyExists or StatusCode.OutOfRange => ErrorCode.BadRequest,
        StatusCode.ResourceExhausted => ErrorCode.RateLimited,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Aborted => ErrorCode.Unavailable,
        _ => ErrorCode.Internal,
    };
}
