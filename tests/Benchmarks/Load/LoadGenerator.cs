using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Sends signed deliveries over raw HTTP/1.1 keep-alive connections (<see cref="HttpConnection"/>) and times each
/// answer. The requests are built before the clock starts; a 202 counts as throughput, any other answer or a failed
/// connection as an error. The same generator drives the ceiling and the handler, so their figures compare.
/// </summary>
public sealed class LoadGenerator(Uri baseUri)
{
    private const string Path = "/webhook";
    private readonly IPEndPoint _endpoint = new(IPAddress.Parse(baseUri.Host), baseUri.Port);
    private readonly string _host = baseUri.Authority;

    public async Task WarmUpAsync(SignedDelivery[] deliveries) => await ClosedLoopAsync(deliveries, 16);

    /// <summary><paramref name="connections"/> connections, each sending its next request as soon as the last is answered, until all are sent.</summary>
    public async Task<LatencyStats> ClosedLoopAsync(SignedDelivery[] deliveries, int connections)
    {
        var requests = Build(deliveries);
        var statuses = new int[requests.Length];
        var latencies = new double[requests.Length];
        var opened = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => HttpConnection.OpenAsync(_endpoint, CancellationToken.None)));
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(opened.Select(async connection =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Length)
            {
                var started = Stopwatch.GetTimestamp();
                (statuses[i], connection) = await SendAsync(connection, requests[i]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            connection.Dispose();
        }));
        return LatencyStats.Of(statuses, latencies, clock.Elapsed);
    }

    /// <summary>
    /// Sends at a fixed rate whatever the answers' latency (an open loop, as GitHub sends), each request on an idle
    /// connection or a new one. Latency counts from when the request was due, so a slow answer delays no measurement.
    /// </summary>
    public async Task<LatencyStats> OpenLoopAsync(SignedDelivery[] deliveries, int perSecond)
    {
        var requests = Build(deliveries);
        var statuses = new int[requests.Length];
        var latencies = new double[requests.Length];
        var idle = new ConcurrentStack<HttpConnection>();
        idle.Push(await HttpConnection.OpenAsync(_endpoint, CancellationToken.None));
        var inFlight = new Task[requests.Length];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests.Length; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var index = i;
            inFlight[i] = Task.Run(async () =>
            {
                var connection = idle.TryPop(out var free) ? free : await HttpConnection.OpenAsync(_endpoint, CancellationToken.None);
                (statuses[index], connection) = await SendAsync(connection, requests[index]);
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                idle.Push(connection);
            });
        }

        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed;
        foreach (var connection in idle)
        {
            connection.Dispose();
        }

        return LatencyStats.Of(statuses, latencies, elapsed);
    }

    /// <summary>One exchange; a failed or closed connection is replaced, and its request counted with status 0.</summary>
    private async Task<(int Status, HttpConnection Connection)> SendAsync(HttpConnection connection, byte[] request)
    {
        int status;
        try
        {
            status = await connection.ExchangeAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            status = 0;
        }

        if (!connection.Closed)
        {
            return (status, connection);
        }

        connection.Dispose();
        return (status, await HttpConnection.OpenAsync(_endpoint, CancellationToken.None));
    }

    private byte[][] Build(SignedDelivery[] deliveries) =>
        deliveries.Select(d => HttpConnection.Request(_host, Path,
        [
            ("Content-Type", "application/json"),
            ("User-Agent", "GitHub-Hookshot/benchmark"),
            ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", d.Id),
            ("X-Hub-Signature-256", d.Signature),
        ], d.Body)).ToArray();

    /// <summary>"127.0.0.1:PORT", for the record of what was measured.</summary>
    public override string ToString() => _endpoint.ToString() + string.Create(CultureInfo.InvariantCulture, $" ({Path})");
}
