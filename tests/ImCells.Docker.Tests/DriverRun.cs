using System.Diagnostics;
using System.Text.Json;

namespace ImCells.Docker.Tests;

/// <summary>
/// One driver command running in the client container (docker exec): its JSON lines as they come,
/// and its "done" line. The driver bounds itself; <see cref="DisposeAsync"/> only reaps the docker process.
/// </summary>
public sealed class DriverRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private readonly Task _reading;
    private readonly string _what;

    public DriverRun(Process process, string what)
    {
        _process = process;
        _what = what;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Every line so far whose "event" is <paramref name="name"/>.</summary>
    public List<JsonElement> Events(string name)
    {
        lock (_lock)
        {
            return [.. _events.Where(e => e.GetProperty("event").GetString() == name)];
        }
    }

    /// <summary>Polls until a line satisfies <paramref name="match"/>; returns it, or throws naming what arrived.</summary>
    public async Task<JsonElement> WaitForAsync(string what, Func<JsonElement, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_lock)
            {
                foreach (var e in _events)
                {
                    if (match(e))
                    {
                        return e;
                    }
                }

                var error = _events.FirstOrDefault(e => e.GetProperty("event").GetString() == "error");
                if (error.ValueKind != JsonValueKind.Undefined)
                {
                    throw new InvalidOperationException($"{_what} failed: {error}");
                }
            }

            if (clock.Elapsed > timeout || (_reading.IsCompleted && !HasMatch(match)))
            {
                throw new TimeoutException($"{_what}: no {what} within {clock.Elapsed.TotalSeconds:0} s; its last lines: {Tail()}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>The "done" line.</summary>
    public Task<JsonElement> DoneAsync(TimeSpan timeout, CancellationToken ct) =>
        WaitForAsync("done line", e => e.GetProperty("event").GetString() == "done", timeout, ct);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private bool HasMatch(Func<JsonElement, bool> match)
    {
        lock (_lock)
        {
            return _events.Any(match);
        }
    }

    private string Tail()
    {
        lock (_lock)
        {
            return string.Join(" | ", _events.TakeLast(3).Select(e => e.ToString().Length > 300 ? e.ToString()[..300] + "..." : e.ToString()));
        }
    }

    private async Task ReadAsync()
    {
        var stderr = _process.StandardError.ReadToEndAsync();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonElement parsed;
            try
            {
                parsed = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                parsed = JsonDocument.Parse(JsonSerializer.Serialize(new { @event = "output", line })).RootElement.Clone();
            }

            lock (_lock)
            {
                _events.Add(parsed);
            }
        }

        var errors = await stderr;
        if (!string.IsNullOrWhiteSpace(errors))
        {
            lock (_lock)
            {
                _events.Add(JsonDocument.Parse(JsonSerializer.Serialize(new { @event = "stderr", line = errors.Trim() })).RootElement.Clone());
            }
        }
    }
}
