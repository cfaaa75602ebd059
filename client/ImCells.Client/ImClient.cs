using System.Threading.Channels;
using ImCells.Protos.Client;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// A logged-in user: one chat connection at a time, replaced after a failure, and the user's
/// mailbox surfaced on <see cref="Messages"/> in seq order without gaps or duplicates.
/// </summary>
public sealed partial class ImClient : IAsyncDisposable
{
    private readonly ImClientOptions _options;
    private readonly LoginApi? _loginApi;
    private readonly ClusterTrust? _trust;
    private readonly Func<CancellationToken, Task<LoginResult>> _logIn;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Channel<ChatMessage> _messages = Channel.CreateUnbounded<ChatMessage>(new() { SingleWriter = true });
    private readonly Channel<SendFailed> _failures = Channel.CreateUnbounded<SendFailed>();
    private readonly Lock _lock = new();
    private ChatConnection? _connection;
    private ulong _userId;
    private string _cellId = "";
    private int _reconnects;
    private int _disposed;
    private Task _supervisor = Task.CompletedTask;

    private ImClient(ImClientOptions options, Func<CancellationToken, Task<LoginResult>>? logIn)
    {
        _options = options;
        _trust = options.TrustedCa is { } ca ? new ClusterTrust(ca) : null;
        if (logIn is null)
        {
            var api = new LoginApi(options.LoginUrl, options.TrustedCa);
            _loginApi = api;
            logIn = ct => api.LoginAsync(options.UserId, options.Password, options.DeviceId, options.PreferCell, options.Region, ct);
        }

        _logIn = logIn;
        _userId = options.UserId;
        _lastSeq = options.LastSeq;
        InitResume();
    }

    public ulong UserId => Volatile.Read(ref _userId);

    /// <summary>The cell serving the current connection.</summary>
    public string CellId => Volatile.Read(ref _cellId);

    /// <summary>The highest seq surfaced on <see cref="Messages"/>.</summary>
    public ulong LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>Every mailbox message with seq above the resume point, in seq order, no gaps, no duplicates.</summary>
    public ChannelReader<ChatMessage> Messages => _messages.Reader;

    /// <summary>Messages the recipient's cell refused after the send was acknowledged.</summary>
    public ChannelReader<SendFailed> Failures => _failures.Reader;

    public int Reconnects => Volatile.Read(ref _reconnects);

    public bool IsConnected => Volatile.Read(ref _connection) is { IsClosed: false };

    /// <summary>Human-readable lines about the connection: disconnected, reconnecting in X, reconnected.</summary>
    public event Action<string>? Diagnostic;

    /// <summary>Logs in, connects to the least-loaded chat server and authenticates.</summary>
    /// <exception cref="ImClientException">Wrong password, no reachable chat server, a refused token.</exception>
    public static Task<ImClient> ConnectAsync(ImClientOptions options, CancellationToken ct = default) =>
        ConnectAsync(options, logIn: null, ct);

    /// <summary>
    /// Like <see cref="ConnectAsync(ImClientOptions, CancellationToken)"/>, but every login (the
    /// first and each one a reconnect needs) comes from <paramref name="logIn"/> instead of the
    /// login servers: the seam for testing the client against a fake chat server.
    /// </summary>
    internal static async Task<ImClient> ConnectAsync(
        ImClientOptions options, Func<CancellationToken, Task<LoginResult>>? logIn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ImClient(options, logIn);
        try
        {
            await client.StartAsync(ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task<SendAck> SendAsync(ulong to, string text, string? clientMsgId = null, CancellationToken ct = default)
    {
        var request = new SendRequest { To = to, Text = text, ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N") };
        var connection = Current();
        var ack = await connection.SendAsync(request, ct);
        if (ack.OwnCopyInAck)
        {
            // The server pushes no NewMessage of our own copy to this device: the ack stands for it, in seq order like a push.
            _events.Writer.TryWrite(new PumpItem(connection, new Frame
            {
                NewMessage = new NewMessage
                {
                    Message = new ChatMessage { Id = ack.MessageId, From = UserId, To = to, Seq = ack.Seq, Text = text, SentAtMs = ack.SentAtMs },
                },
            }));
        }

        return ack;
    }

    public Task<SyncResult> SyncAsync(ulong fromSeq, uint limit = 0, CancellationToken ct = default) =>
        Current().SyncAsync(fromSeq, limit, ct);

    public Task AckAsync(ulong seq, CancellationToken ct = default) => Current().AckAsync(seq, ct);

    public Task<Pong> PingAsync(CancellationToken ct = default) => Current().PingAsync(ct);

    /// <summary>
    /// Ends the sessions of <paramref name="deviceId"/> (default: this client's device): every token
    /// issued for it until now is refused, and its connections are closed. Logging out this client's
    /// own device closes this client too (it does not reconnect).
    /// </summary>
    /// <exception cref="ImClientException">BAD_REQUEST for a device id that cannot exist.</exception>
    public Task<LogoutOk> LogoutAsync(string? deviceId = null, CancellationToken ct = default) =>
        Current().LogoutAsync(new LogoutRequest { DeviceId = deviceId ?? _options.DeviceId }, ct);

    /// <summary>Like <see cref="LogoutAsync"/> for every device of the user at once, this client's included.</summary>
    public Task<LogoutOk> LogoutAllDevicesAsync(CancellationToken ct = default) =>
        Current().LogoutAsync(new LogoutRequest { AllDevices = true }, ct);

    /// <summary>Completes once <see cref="LastSeq"/> reaches the head seq reported at the latest (re)connect.</summary>
    public Task WaitCaughtUpAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            return _caughtUp.Task.WaitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        _events.Writer.TryComplete();
        await Task.WhenAll(_supervisor, _pump, _ackLoop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync();
        }

        _messages.Writer.TryComplete();
        _failures.Writer.TryComplete();
        _readReceipts.Writer.TryComplete();
        _readStates.Writer.TryComplete();
        _presenceChanges.Writer.TryComplete();
        _friendEvents.Writer.TryComplete();
        _groupEntries.Writer.TryComplete();
        lock (_lock)
        {
            _caughtUp.TrySetException(new ObjectDisposedException(nameof(ImClient)));
            _attached.TrySetException(new ObjectDisposedException(nameof(ImClient)));
        }

        _loginApi?.Dispose();
        _disposing.Dispose();
    }

    private async Task StartAsync(CancellationToken ct)
    {
        var connection = await EstablishAsync(refreshLogin: true, ct);
        if (_options.SkipHistory)
        {
            _lastSeq = Math.Max(_lastSeq, connection.AuthOk.HeadSeq);
        }

        Attach(connection);
        _pump = Task.Run(() => PumpAsync(_disposing.Token));
        if (_options.AutoAck)
        {
            _ackLoop = Task.Run(() => AckLoopAsync(_disposing.Token));
        }

        _supervisor = Task.Run(() => SuperviseAsync(_disposing.Token));
    }

    private ChatConnection Current()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Volatile.Read(ref _connection) is { IsClosed: false } connection
            ? connection
            : throw ImClientException.Unavailable(
                _options.AutoReconnect ? "not connected to a chat server (reconnecting)" : "not connected to a chat server");
    }

    private void OnDiagnostic(string line)
    {
        try
        {
            Diagnostic?.Invoke(line);
        }
        catch (Exception)
        {
            // A faulty listener must not take the connection machinery down with it.
        }
    }
}
