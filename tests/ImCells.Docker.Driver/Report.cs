using System.Diagnostics;
using System.Text.Json;

namespace ImCells.Docker.Driver;

/// <summary>
/// What the driver tells the test on the host: one JSON object per line on stdout, flushed at once,
/// each with "event", the milliseconds since the command started ("ms") and the wall clock in Unix
/// milliseconds ("at": containers share the host's clock, so the test can set it against its own actions).
/// </summary>
internal static class Report
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static readonly Lock Gate = new();

    public static void Event(string name, object? fields = null)
    {
        var line = new Dictionary<string, object?> { ["event"] = name, ["ms"] = Clock.ElapsedMilliseconds, ["at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        if (fields is not null)
        {
            foreach (var property in fields.GetType().GetProperties())
            {
                line[property.Name] = property.GetValue(fields);
            }
        }

        lock (Gate)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(line));
            Console.Out.Flush();
        }
    }
}
