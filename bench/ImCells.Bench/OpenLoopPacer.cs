using System.Diagnostics;

namespace ImCells.Bench;

/// <summary>
/// Open loop: on the calling thread, issues what is due every millisecond from
/// <c>startTimestamp</c> for <c>duration</c> at <c>rate</c> per second, whatever the server's answers do.
/// </summary>
internal static class OpenLoopPacer
{
    /// <param name="issue">Gets the ordinal of the send: 0, 1, 2, ...</param>
    public static void Run(double rate, TimeSpan duration, long startTimestamp, Action<long> issue, CancellationToken ct)
    {
        long issued = 0;
        while (!ct.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
            if (elapsed >= duration)
            {
                return;
            }

            var due = (long)(rate * elapsed.TotalSeconds);
            for (; issued < due; issued++)
            {
                issue(issued);
            }

            Thread.Sleep(1);
        }
    }
}
