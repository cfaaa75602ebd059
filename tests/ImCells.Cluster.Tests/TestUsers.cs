using System.Security.Cryptography.X509Certificates;
using ImCells.Client;

namespace ImCells.Cluster.Tests;

/// <summary>A registered user and one connected client of it; deconstructs to <c>(id, client)</c>.</summary>
internal sealed record TestUser(ulong Id, ImClient Client);

/// <summary>
/// The prologue the cluster tests share: register users in cells, log them in, connect a client
/// each and wait until it has caught up. A user is named by a spec: "alice@a" registers alice in
/// cell a (and connects her), "bob@b/phone" connects bob's device "phone", and "alice/tablet"
/// (no cell) connects another device of an alice registered before. Everyone has the password
/// <see cref="Password"/>. Every client connected here is disposed with this object.
/// </summary>
internal sealed class TestUsers(string loginUrls, CancellationToken ct, X509Certificate2? trustedCa = null) : IAsyncDisposable
{
    public const string Password = "correct horse";
    public const string DefaultDevice = "t";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ulong> _ids = new(StringComparer.Ordinal);
    private readonly List<ImClient> _clients = [];

    /// <summary>The user registered under <paramref name="name"/> in this test.</summary>
    public ulong this[string name]
    {
        get
        {
            lock (_lock)
            {
                return _ids[name];
            }
        }
    }

    public async Task<ulong> RegisterAsync(string spec)
    {
        var (name, cell, _) = Parse(spec);
        if (cell is null)
        {
            throw new ArgumentException($"'{spec}' names no cell to register in (name@cell)", nameof(spec));
        }

        using var api = new LoginApi(loginUrls, trustedCa);
        var id = await api.RegisterAsync(name, Password, cell, ct);
        lock (_lock)
        {
            _ids[name] = id;
        }

        return id;
    }

    public async Task<(ulong, ulong)> RegisterAsync(string first, string second) =>
        (await RegisterAsync(first), await RegisterAsync(second));

    public async Task<(ulong, ulong, ulong)> RegisterAsync(string first, string second, string third) =>
        (await RegisterAsync(first), await RegisterAsync(second), await RegisterAsync(third));

    /// <summary>Registers (for "name@cell") and connects one client, caught up with its mailbox.</summary>
    public async Task<TestUser> ConnectAsync(string spec)
    {
        var (name, cell, device) = Parse(spec);
        var id = cell is null ? this[name] : await RegisterAsync(spec);
        var client = await ConnectAsync(Options(id, device));
        return new TestUser(id, client);
    }

    public async Task<(TestUser, TestUser)> ConnectAsync(string first, string second) =>
        (await ConnectAsync(first), await ConnectAsync(second));

    public async Task<(TestUser, TestUser, TestUser)> ConnectAsync(string first, string second, string third) =>
        (await ConnectAsync(first), await ConnectAsync(second), await ConnectAsync(third));

    /// <summary>Connects a client with these options (disposed with this object), caught up with its mailbox.</summary>
    public async Task<ImClient> ConnectAsync(ImClientOptions options)
    {
        var client = await ImClient.ConnectAsync(options, ct);
        lock (_lock)
        {
            _clients.Add(client);
        }

        await client.WaitCaughtUpAsync(ct);
        return client;
    }

    /// <summary>Options for a client of <paramref name="user"/>; <paramref name="preferCell"/> attaches elsewhere than home (roaming).</summary>
    public ImClientOptions Options(ulong user, string device = DefaultDevice, string? preferCell = null, bool autoReconnect = true) => new()
    {
        LoginUrl = loginUrls,
        TrustedCa = trustedCa,
        UserId = user,
        Password = Password,
        DeviceId = device,
        PreferCell = preferCell,
        AutoReconnect = autoReconnect,
    };

    public async ValueTask DisposeAsync()
    {
        List<ImClient> clients;
        lock (_lock)
        {
            clients = [.. _clients];
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>"name[@cell][/device]".</summary>
    private static (string Name, string? Cell, string Device) Parse(string spec)
    {
        var slash = spec.IndexOf('/');
        var device = slash < 0 ? DefaultDevice : spec[(slash + 1)..];
        var who = slash < 0 ? spec : spec[..slash];
        var at = who.IndexOf('@');
        return at < 0 ? (who, null, device) : (who[..at], who[(at + 1)..], device);
    }
}
