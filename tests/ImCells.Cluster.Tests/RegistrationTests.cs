using Grpc.Core;
using ImCells.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>A registration repeated with its request id (after a lost reply) returns the first number and makes no second account.</summary>
[Collection("cluster")]
public sealed class RegistrationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SameRequestId_OverBothLoginServers_SameNumber_OneAccount()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            using var login1 = new LoginApi(cluster.Layout.LoginUrl);
            using var login2 = new LoginApi(cluster.Layout.Login2Url);
            var before = await AccountsAsync(ct);

            // No cell named: the login servers place it, and a retry must find it wherever it went.
            var requestId = LoginApi.NewRequestId();
            var first = await login1.RegisterAsync("retried", TestUsers.Password, cell: null, requestId, ct);
            var again = await login2.RegisterAsync("retried", TestUsers.Password, cell: null, requestId, ct);
            var third = await login1.RegisterAsync("retried", TestUsers.Password, cell: null, requestId, ct);

            // A cell named: the cell itself knows the id.
            var inB = LoginApi.NewRequestId();
            var firstInB = await login2.RegisterAsync("retried in b", TestUsers.Password, "b", inB, ct);
            var againInB = await login1.RegisterAsync("retried in b", TestUsers.Password, "b", inB, ct);

            var after = await AccountsAsync(ct);
            output.WriteLine($"{requestId}: {first}, {again}, {third}; {inB}: {firstInB}, {againInB}; accounts {before} -> {after}");
            Assert.Equal(first, again);
            Assert.Equal(first, third);
            Assert.Equal(firstInB, againInB);
            Assert.InRange(firstInB, 11_000_000UL, 11_999_999UL);
            Assert.Equal(before + 2, after);
            Assert.Equal("retried", (await login2.LoginAsync(first, TestUsers.Password, "t", ct)).Name);
        });
    }

    [Fact]
    public async Task SameRequestIdForAnotherNameOrPassword_Refused_NothingAllocated()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            using var api = new LoginApi(cluster.Layout.LoginUrls);
            var requestId = LoginApi.NewRequestId();
            await api.RegisterAsync("owner", TestUsers.Password, cell: null, requestId, ct);
            var before = await AccountsAsync(ct);

            var otherName = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync("thief", TestUsers.Password, cell: null, requestId, ct));
            var otherPassword = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync("owner", "not the password", cell: null, requestId, ct));
            var badId = await Assert.ThrowsAsync<ImClientException>(() => api.RegisterAsync("owner", TestUsers.Password, cell: null, "not an id!", ct));

            output.WriteLine($"other name: {otherName.Message}\nother password: {otherPassword.Message}\nbad id: {badId.Message}");
            Assert.All([otherName, otherPassword, badId], e => Assert.Equal(StatusCode.InvalidArgument, e.GrpcStatus));
            Assert.Equal($"request id '{requestId}' was already used to register another name or password; use a new request id", otherName.Message);
            Assert.Equal(otherName.Message, otherPassword.Message);
            Assert.Equal("request id must be 1-64 of A-Z a-z 0-9 . _ : -", badId.Message);
            Assert.Equal(before, await AccountsAsync(ct));
        });
    }

    [Fact]
    public async Task Cli_RegisterRunTwiceWithOneRequestId_PrintsTheSameNumber()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var requestId = "cli-" + LoginApi.NewRequestId();
            var printed = new List<string>();
            foreach (var login in new[] { cluster.Layout.LoginUrl, cluster.Layout.Login2Url })
            {
                var (exit, text) = await cluster.Cli.RunAsync("cli register", CliBound, ct,
                    "register", "--name", "cli user", "--password", TestUsers.Password, "--request-id", requestId, "--login", login);
                Assert.True(exit == 0, $"imcells register exited {exit}:\n{text}");
                printed.Add(text.Trim());
            }

            output.WriteLine($"printed: {string.Join(", ", printed)}");
            Assert.True(ulong.TryParse(printed[0], out _), printed[0]);
            Assert.Equal(printed[0], printed[1]);
        });
    }

    /// <summary>Accounts in every cell, from each cell's own Status.</summary>
    private async Task<ulong> AccountsAsync(CancellationToken ct)
    {
        var total = 0UL;
        foreach (var id in cluster.Layout.CellIds)
        {
            total += (await cluster.Api.CellStatusAsync(id, ct)).Users;
        }

        return total;
    }
}
