using System.Net;

namespace ImCells.Cli.Admin;

/// <summary>
/// The admin HTTP endpoint of a server (--admin URL: /healthz, /readyz, /info, /metrics), asked
/// with a short timeout: an endpoint that does not answer in time counts as not answering.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = Timeout }) { Timeout = Timeout };

    public void Dispose() => _http.Dispose();

    /// <summary>/readyz: its body, and whether the status was 200; null when the endpoint does not answer.</summary>
    public async Task<(bool Ready, ReadyzBody Body)?> ReadyzAsync(string adminUrl, CancellationToken ct = default)
    {
        var (status, body) = await GetAsync(adminUrl, "/readyz", ct);
        return status is null ? null : (status == HttpStatusCode.OK, ReadyzBody.Parse(body));
    }

    /// <summary>/info; null when it does not answer or says something else.</summary>
    public async Task<InfoBody?> InfoAsync(string adminUrl, CancellationToken ct = default)
    {
        var (status, body) = await GetAsync(adminUrl, "/info", ct);
        return status == HttpStatusCode.OK ? InfoBody.Parse(body) : null;
    }

    /// <summary>/metrics; null when it does not answer.</summary>
    public async Task<PrometheusText?> MetricsAsync(string adminUrl, CancellationToken ct = default)
    {
        var (status, body) = await GetAsync(adminUrl, "/metrics", ct);
        return status == HttpStatusCode.OK ? PrometheusText.Parse(body) : null;
    }

    private async Task<(HttpStatusCode? Status, string Body)> GetAsync(string adminUrl, string path, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(new Uri(adminUrl), path), ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException && !ct.IsCancellationRequested)
        {
            return (null, "");
        }
    }
}
