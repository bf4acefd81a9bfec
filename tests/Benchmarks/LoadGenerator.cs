using System.Diagnostics;
using System.Net.Http.Headers;

namespace K8sWebhookHandler.Benchmarks;

public sealed record SignedDelivery(string Id, byte[] Body, string Signature);

public sealed record LatencyStats(int Count, double PerSecond, double P50, double P99, double Max)
{
    public static LatencyStats Of(IReadOnlyList<double> milliseconds, TimeSpan elapsed)
    {
        var sorted = milliseconds.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new(sorted.Length, elapsed > TimeSpan.Zero ? sorted.Length / elapsed.TotalSeconds : 0, Percentile(0.50), Percentile(0.99), sorted.LastOrDefault());
    }
}

/// <summary>Sends signed deliveries and times each acknowledgement; every answer must be a 202.</summary>
public sealed class LoadGenerator(Uri baseUri)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task WarmUpAsync(SignedDelivery[] deliveries) => await ClosedLoopAsync(deliveries, 16);

    /// <summary>Keeps <paramref name="concurrency"/> requests in flight until all are sent.</summary>
    public async Task<LatencyStats> ClosedLoopAsync(SignedDelivery[] deliveries, int concurrency)
    {
        var latencies = new double[deliveries.Length];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < deliveries.Length)
            {
                latencies[i] = await SendAsync(deliveries[i]);
            }
        }));
        return LatencyStats.Of(latencies, clock.Elapsed);
    }

    /// <summary>Sends at a fixed rate whatever the answers' latency (an open loop, as GitHub sends).</summary>
    public async Task<LatencyStats> OpenLoopAsync(SignedDelivery[] deliveries, int perSecond)
    {
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var inFlight = new List<Task<double>>(deliveries.Length);
        using var timer = new PeriodicTimer(interval);
        foreach (var delivery in deliveries)
        {
            inFlight.Add(SendAsync(delivery));
            await timer.WaitForNextTickAsync();
        }

        var latencies = await Task.WhenAll(inFlight);
        return LatencyStats.Of(latencies, clock.Elapsed);
    }

    private async Task<double> SendAsync(SignedDelivery delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", delivery.Id);
        request.Headers.Add("X-Hub-Signature-256", delivery.Signature);
        var started = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"delivery {delivery.Id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return elapsed;
    }
}
