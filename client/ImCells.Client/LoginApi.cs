using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Protos.Client;
using ImCells.Protos.Login;

namespace ImCells.Client;

/// <summary>
/// The login server's gRPC API with the client's error model: every RpcException becomes an
/// <see cref="ImClientException"/> carrying the server's detail, and every call has a deadline.
/// </summary>
public sealed class LoginApi : IDisposable
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel _channel;
    private readonly Login.LoginClient _client;

    public LoginApi(string loginUrl)
    {
        LoginUrl = loginUrl;
        _channel = GrpcChannel.ForAddress(loginUrl);
        _client = new Login.LoginClient(_channel);
    }

    public string LoginUrl { get; }

    public async Task<ulong> RegisterAsync(string name, string password, string? cell = null, CancellationToken ct = default)
    {
        var request = new RegisterRequest { Name = name, Password = password, Cell = cell ?? "" };
        var reply = await CallAsync("Register", () => _client.RegisterAsync(request, deadline: Deadline(), cancellationToken: ct), ct);
        return reply.UserId;
    }

    public Task<LoginResult> LoginAsync(ulong userId, string password, string deviceId, CancellationToken ct = default) =>
        LoginAsync(userId, password, deviceId, null, null, ct);

    /// <summary>Logs in and attaches to <paramref name="preferCell"/>, or a cell of <paramref name="region"/>, instead of the home cell (roaming).</summary>
    public async Task<LoginResult> LoginAsync(ulong userId, string password, string deviceId, string? preferCell, string? region, CancellationToken ct = default)
    {
        var request = new LoginRequest { UserId = userId, Password = password, DeviceId = deviceId, PreferCell = preferCell ?? "", Region = region ?? "" };
        var reply = await CallAsync("Login", () => _client.LoginAsync(request, deadline: Deadline(), cancellationToken: ct), ct);
        return new LoginResult(
            reply.UserId,
            reply.Token,
            reply.CellId,
            reply.ChatEndpoints.ToArray(),
            DateTimeOffset.FromUnixTimeMilliseconds(reply.ExpiresAtMs),
            reply.Name,
            reply.HomeCell);
    }

    /// <summary>The user's home cell and where each of its devices is attached.</summary>
    public Task<WhereReply> WhereAsync(ulong userId, CancellationToken ct = default) =>
        CallAsync("Where", () => _client.WhereAsync(new WhereRequest { UserId = userId }, deadline: Deadline(), cancellationToken: ct), ct);

    public Task<StatusReply> StatusAsync(CancellationToken ct = default) =>
        CallAsync("Status", () => _client.StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: ct), ct);

    public void Dispose() => _channel.Dispose();

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallDeadline);

    private async Task<T> CallAsync<T>(string method, Func<AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (RpcException e)
        {
            throw new ImClientException(ToErrorCode(e.StatusCode), Describe(method, e), e.StatusCode, e);
        }
    }

    private string Describe(string method, RpcException e) => e.StatusCode switch
    {
        StatusCode.DeadlineExceeded => $"{method} at {LoginUrl} got no answer within {CallDeadline.TotalSeconds:0} s",
        StatusCode.Unavailable when string.IsNullOrEmpty(e.Status.Detail) => $"login server {LoginUrl} is unavailable",
        StatusCode.Unavailable => $"login server {LoginUrl} is unavailable: {e.Status.Detail}",
        _ when string.IsNullOrEmpty(e.Status.Detail) => $"{method} failed: {e.StatusCode}",
        _ => e.Status.Detail,
    };

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
