using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Logging in, connecting, and replacing a lost connection: backoff, reuse the token while it is
/// valid, log in again when it is refused or stale, re-authenticate with the current LastSeq.
/// </summary>
public sealed partial class ImClient
{
    // A token this close to expiry may lapse before the chat server checks it.
    private static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(1);

    private LoginResult? _login;

    private async Task SuperviseAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var connection = Volatile.Read(ref _connection)!;
                var reason = await connection.Completion.WaitAsync(ct);
                OnDiagnostic($"disconnected from {connection.Endpoint}: {reason}");
                await connection.DisposeAsync();
                if (connection.KickedReason is not null || !_options.AutoReconnect)
                {
                    GiveUp(connection, reason);
                    return;
                }

                var next = await ReconnectAsync(ct);
                if (ct.IsCancellationRequested)
                {
                    await next.DisposeAsync();
                    return;
                }

                Attach(next);
                Interlocked.Increment(ref _reconnects);
                OnDiagnostic($"reconnected to {next.Endpoint} (cell {next.AuthOk.CellId}, head seq {next.AuthOk.HeadSeq})");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>No more connections will come: readers and waiters learn why.</summary>
    private void GiveUp(ChatConnection connection, string reason)
    {
        var error = ImClientException.Unavailable($"disconnected from {connection.Endpoint}: {reason}");
        _events.Writer.TryWrite(new PumpItem(connection, null, error));
        _events.Writer.TryComplete();
        lock (_lock)
        {
            _caughtUp.TrySetException(error);
            _attached.TrySetException(error);
        }
    }

    private async Task<ChatConnection> ReconnectAsync(CancellationToken ct)
    {
        var backoff = new Backoff();
        var refreshLogin = false;
        while (true)
        {
            var delay = backoff.Next();
            OnDiagnostic($"reconnecting in {delay.TotalMilliseconds:0} ms");
            await Task.Delay(delay, ct);
            try
            {
                return await EstablishAsync(refreshLogin, ct);
            }
            catch (ImClientException e)
            {
                OnDiagnostic($"reconnect failed: {e.Message}");
                // The chat servers we knew may be gone; the login server knows the current ones.
                refreshLogin = true;
            }
        }
    }

    /// <summary>Logs in if needed and authenticates on the first chat endpoint that answers.</summary>
    private async Task<ChatConnection> EstablishAsync(bool refreshLogin, CancellationToken ct)
    {
        var login = await GetLoginAsync(refreshLogin, ct);
        if (login.ChatEndpoints.Count == 0)
        {
            throw ImClientException.Unavailable($"login returned no chat endpoint for cell {login.CellId}");
        }

        var auth = new Auth { Token = login.Token, DeviceId = _options.DeviceId, LastSeq = LastSeq };
        ImClientException? lastError = null;
        foreach (var endpoint in login.ChatEndpoints)
        {
            try
            {
                return await ChatConnection.ConnectAsync(
                    endpoint, auth, _trust, login.CellId, _options.ConnectTimeout, _options.RequestTimeout, ct);
            }
            catch (ImClientException e) when (e.Code == ErrorCode.BadToken)
            {
                _login = null;
                throw;
            }
            catch (ImClientException e) when (e.Code == ErrorCode.Unavailable)
            {
                lastError = e;
            }
            catch (TimeoutException e)
            {
                lastError = ImClientException.Unavailable(e.Message, e);
            }
        }

        throw lastError!;
    }

    private async Task<LoginResult> GetLoginAsync(bool refresh, CancellationToken ct)
    {
        var cached = _login;
        if (cached is not null && !refresh && cached.ExpiresAt - DateTimeOffset.UtcNow > TokenMargin)
        {
            return cached;
        }

        try
        {
            return _login = await _logIn(ct);
        }
        catch (ImClientException e) when (e.Code == ErrorCode.Unavailable && cached is not null
                                          && cached.ExpiresAt - DateTimeOffset.UtcNow > TokenMargin)
        {
            // The login server is down but the token we hold is still good.
            return cached;
        }
    }
}
