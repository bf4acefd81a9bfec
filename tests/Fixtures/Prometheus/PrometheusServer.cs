using System.Globalization;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Prometheus;

/// <summary>
/// Debian's <c>prometheus</c> on a free loopback port, with its storage in a folder of its own, scraping one target
/// every second; series are read back through its query API (<c>/api/v1/query</c>), as a dashboard would.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _directory = new("prometheus");
    private readonly HttpClient _http;
    private RunningProcess? _process;

    private PrometheusServer(int port)
    {
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUri { get; }

    public string Log => _process?.Log ?? "";

    /// <summary>Starts a server that scrapes <paramref name="metrics"/> (e.g. <c>http://127.0.0.1:8081/metrics</c>) every second.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri metrics)
    {
        var executable = ProcessRunner.Which("prometheus")
            ?? throw new InvalidOperationException("prometheus is not installed: `apt-get install -y prometheus` (scripts/test.sh does this as root or through sudo)");
        var server = new PrometheusServer(Loopback.FreePort());
        var config = server._directory.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: handler
                metrics_path: {metrics.AbsolutePath}
                static_configs:
                  - targets: ['{metrics.Authority}']
            """);
        server._process = RunningProcess.Start(executable,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={server._directory.Combine("data")}",
            $"--web.listen-address={server.BaseUri.Authority}",
        ]);
        await server._process.WaitForLineAsync(line => line.Contains("Server is ready to receive web requests", StringComparison.Ordinal), StartTimeout);
        return server;
    }

    /// <summary>The instant vector <paramref name="query"/> evaluates to now: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(JsonObject Labels, double Value)>> QueryAsync(string query)
    {
        var answer = JsonNode.Parse(await _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query)))!;
        return (answer["data"]!["result"] as JsonArray ?? [])
            .Select(series => ((JsonObject)series!["metric"]!, double.Parse(series["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>
    /// Asks every half second until <paramref name="query"/> has a series whose value satisfies <paramref name="until"/>
    /// (any series when null); fails after <paramref name="timeout"/>, a safety net, with the last answer and how the
    /// scrapes went.
    /// </summary>
    public async Task<(JsonObject Labels, double Value)> WaitForSeriesAsync(string query, TimeSpan timeout, Func<double, bool>? until = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<(JsonObject Labels, double Value)> last = [];
        while (waited.Elapsed < timeout)
        {
            last = await QueryAsync(query);
            if (last.FirstOrDefault(s => until?.Invoke(s.Value) ?? true) is { Labels: not null } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var targets = await _http.GetStringAsync("api/v1/targets");
        throw new TimeoutException($"Prometheus had no series for {query} as awaited within {timeout}; last answer: " +
            $"{string.Join(", ", last.Select(s => $"{s.Labels.ToJsonString()}={s.Value}"))}; targets: {targets}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _directory.Dispose();
    }
}
