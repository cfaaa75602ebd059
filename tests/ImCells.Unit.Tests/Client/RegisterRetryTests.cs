using System.Collections.Concurrent;
using Grpc.Core;
using ImCells.Client;
using ImCells.Protos.Login;
using ImCells.Unit.Tests.Trust;

namespace ImCells.Unit.Tests.Client;

/// <summary>A registration whose reply is lost is asked again with the same request id, marked as a retry.</summary>
public sealed class RegisterRetryTests
{
    [Fact]
    public async Task LostReply_AskedAgainWithTheSameId_MarkedRetry()
    {
        var login = new FlakyLogin(failures: 1, StatusCode.DeadlineExceeded);
        await using var server = await TlsGrpcServer.StartAsync(login, certificate: null);
        using var api = new LoginApi(server.Url);

        var number = await api.RegisterAsync("alice", "pw", cell: null, requestId: "req-1");

        Assert.Equal(10_000_042UL, number);
        // An id the caller gives may have been sent before: a retry from the first request on.
        Assert.Equal([("req-1", true), ("req-1", true)], login.Seen.Select(r => (r.RequestId, r.Retry)));
    }

    [Fact]
    public async Task FreshId_FirstRequestIsNoRetry_TheNextIs()
    {
        var login = new FlakyLogin(failures: 1, StatusCode.Unavailable);
        await using var server = await TlsGrpcServer.StartAsync(login, certificate: null);
        using var api = new LoginApi(server.Url);

        Assert.Equal(10_000_042UL, await api.RegisterAsync("alice", "pw"));

        Assert.Equal([false, true], login.Seen.Select(r => r.Retry));
        Assert.Single(login.Seen.Select(r => r.RequestId).Distinct());
    }

    [Fact]
    public async Task DroppedLoginServer_NextOneIsAskedAsARetry()
    {
        var dropping = new FlakyLogin(failures: int.MaxValue, StatusCode.Unavailable);
        var answering = new FlakyLogin(failures: 0, StatusCode.OK);
        await using var first = await TlsGrpcServer.StartAsync(dropping, certificate: null);
        await using var second = await TlsGrpcServer.StartAsync(answering, certificate: null);
        using var api = new LoginApi($"{first.Url},{second.Url}");

        Assert.Equal(10_000_042UL, await api.RegisterAsync("alice", "pw"));

        var sent = Assert.Single(dropping.Seen);
        var retried = Assert.Single(answering.Seen);
        Assert.False(sent.Retry);
        Assert.True(retried.Retry);
        Assert.Equal(sent.RequestId, retried.RequestId);
        Assert.Equal(32, sent.RequestId.Length);
    }

    [Fact]
    public async Task Refusal_IsNotRetried()
    {
        var login = new FlakyLogin(failures: int.MaxValue, StatusCode.InvalidArgument);
        await using var server = await TlsGrpcServer.StartAsync(login, certificate: null);
        using var api = new LoginApi(server.Url);

        var refused = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync("alice", "pw"));

        Assert.Equal(StatusCode.InvalidArgument, refused.GrpcStatus);
        Assert.Single(login.Seen);
    }

    [Fact]
    public async Task LostEveryTime_GivesUpAfterTheLastAttempt()
    {
        var login = new FlakyLogin(failures: int.MaxValue, StatusCode.DeadlineExceeded);
        await using var server = await TlsGrpcServer.StartAsync(login, certificate: null);
        using var api = new LoginApi(server.Url);

        var lost = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync("alice", "pw"));

        Assert.Equal(StatusCode.DeadlineExceeded, lost.GrpcStatus);
        Assert.Equal(LoginApi.RegisterAttempts, login.Seen.Count);
        var id = Assert.Single(login.Seen.Select(r => r.RequestId).Distinct());
        Assert.EndsWith($"(registration request id {id}: registering again with it returns the number if one was registered)", lost.Message, StringComparison.Ordinal);
    }

    /// <summary>Fails the first <c>failures</c> registrations with <c>status</c>, then answers 10 000 042.</summary>
    private sealed class FlakyLogin(int failures, StatusCode status) : Protos.Login.Login.LoginBase
    {
        private readonly ConcurrentQueue<RegisterRequest> _seen = new();
        private int _calls;

        public IReadOnlyList<RegisterRequest> Seen => [.. _seen];

        public override Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
        {
            _seen.Enqueue(request.Clone());
            return Interlocked.Increment(ref _calls) <= failures
                ? throw new RpcException(new Status(status, "lost on the way"))
                : Task.FromResult(new RegisterReply { UserId = 10_000_042, CellId = "a" });
        }
    }
}
