using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ImCells.Cluster.Tests;

/// <summary>Reads a server's admin endpoint (--admin): the Prometheus text of /metrics, /readyz and /info as JSON.</summary>
internal sealed class AdminScrape(string adminUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(adminUrl), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public async Task<JsonElement> JsonAsync(string path, CancellationToken ct)
    {
        var (status, body) = await GetAsync(path, ct);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{path}: {(int)status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>One scrape: every sample line's value by its series ("name" or "name{labels}").</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(CancellationToken ct)
    {
        var (status, body) = await GetAsync("/metrics", ct);
        Assert.Equal(HttpStatusCode.OK, status);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in body.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return samples;
    }

    public void Dispose() => _http.Dispose();
}
