using ImCells.Topology;

namespace ImCells.Cli.Admin;

/// <summary>How a server answered: its admin /readyz, else (no admin endpoint) whether something listens on its endpoints.</summary>
internal enum Answer
{
    /// <summary>/readyz: 200 Healthy.</summary>
    Ready,

    /// <summary>/readyz: 200 Degraded.</summary>
    Degraded,

    /// <summary>/readyz: 503, or an answer it cannot read.</summary>
    NotReady,

    /// <summary>No admin endpoint answers, but something listens on every endpoint of the process (a server without --admin).</summary>
    Listening,

    /// <summary>Neither answers.</summary>
    Down,
}

/// <summary>Asks one server whether it answers: its admin /readyz first, listeners on its endpoints when that endpoint is absent.</summary>
internal static class Answering
{
    public static async Task<(Answer Answer, ReadyzBody? Body)> AskAsync(AdminClient admin, string adminUrl, IEnumerable<string> endpoints, CancellationToken ct)
    {
        if (await admin.ReadyzAsync(adminUrl, ct) is { } readyz)
        {
            var answer = !readyz.Ready ? Answer.NotReady
                : readyz.Body.Status.Equals("Degraded", StringComparison.OrdinalIgnoreCase) ? Answer.Degraded
                : Answer.Ready;
            return (answer, readyz.Body);
        }

        foreach (var endpoint in endpoints)
        {
            var (host, port) = HostPort(endpoint);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                if (!await ListeningPorts.IsListeningAsync(host, port, deadline.Token))
                {
                    return (Answer.Down, null);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return (Answer.Down, null);
            }
        }

        return (Answer.Listening, null);
    }

    /// <summary>True for the answers that count as healthy (`status` exits 0, `up` calls it ready).</summary>
    public static bool Healthy(Answer answer) => answer is Answer.Ready or Answer.Degraded or Answer.Listening;

    /// <summary>The host and port of an http(s) URL or a chat entry ("tls://host:port" or "host:port").</summary>
    public static (string Host, int Port) HostPort(string endpoint) =>
        endpoint.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? Endpoints.ParseUrl(endpoint) : Endpoints.ParseChat(endpoint) is var (h, p, _) ? (h, p) : default;
}
