
namespace ImCells.Client;

/// <summary>
/// <see cref="ImClientOptions.ResumeFromDeviceCursor"/>: the resume point comes from the server (the
/// seq this device last acked) instead of the caller, asked once, on the first connection that answers.
/// </summary>
public sealed partial class ImClient
{
    // Only the pump reads and clears it.
    private bool _resumeFromCursorPending;

    private void InitResume() => _resumeFromCursorPending = _options.ResumeFromDeviceCursor && !_options.SkipHistory;

    /// <summary>Runs on the pump before the first sync; a failure aborts the connection and the next one asks again.</summary>
    private async Task ResumeFromDeviceCursorAsync(ChatConnection connection, CancellationToken ct)
    {
        if (!_resumeFromCursorPending)
        {
            return;
        }

        var cursor = await connection.DeviceCursorAsync(ct);
        lock (_lock)
        {
            _lastSeq = Math.Max(_lastSeq, cursor.AckedSeq);
            if (_lastSeq >= _headTarget)
            {
                _caughtUp.TrySetResult();
            }
        }

        _resumeFromCursorPending = false;
    }
}
