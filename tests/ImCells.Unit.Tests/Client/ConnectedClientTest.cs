using ImCells.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// The set-up of a test against a scripted server, once: a fresh <see cref="FakeChatServer"/>, a
/// client connected to it (no reconnect), and a token that bounds the whole test in time.
/// </summary>
public abstract class ConnectedClientTest : IAsyncLifetime
{
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(15));
    private ImClient? _client;

    internal FakeChatServer Server { get; } = FakeChatServer.Start();

    internal ImClient Client => _client ?? throw new InvalidOperationException("InitializeAsync has not run");

    protected CancellationToken Ct => _bound.Token;

    public async Task InitializeAsync() => _client = await Server.ConnectClientAsync(Ct);

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await Server.DisposeAsync();
        _bound.Dispose();
    }
}
