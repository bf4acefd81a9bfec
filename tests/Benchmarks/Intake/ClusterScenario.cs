using System.Globalization;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using K8sWebhookHandler.Testing.Redis;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// Cluster mode as an operator runs it: Redis with <c>appendonly yes</c> and <c>appendfsync always</c>, two silos and
/// the Api (a cluster client) each as its own process, measured beside the ceiling in the same run.
/// </summary>
public static class ClusterScenario
{
    public const string Heading = "## Cluster mode";
    public const string Durability = "Redis `appendonly yes`, `appendfsync always`: the write is in the AOF and fsync'd before Redis answers (one fsync per event-loop turn for all clients)";
    private const int Repositories = 200;
    private const int Connections = 64;
    private const int Silos = 2;

    public static async Task<string> RunAsync(BenchmarkSetup setup)
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        var cluster = new Dictionary<string, string>(setup.HandlerSettings()) { ["Handler__Cluster__RedisConnectionString"] = redis.ConnectionString };
        cluster.Remove("WEBHOOK_SECRET");
        var silos = new List<HandlerProcess>();
        try
        {
            for (var i = 0; i < Silos; i++)
            {
                silos.Add(await StartSiloAsync(cluster));
            }

            var api = await HandlerProcess.StartAsync(new Dictionary<string, string>(cluster) { ["Handler__Mode"] = "Cluster", ["WEBHOOK_SECRET"] = setup.Secret });
            await using var targets = await IntakeTargets.StartAsync(setup.Secret, api);
            await ReadyAsync(api.BaseUri);
            var row = await MeasureAsync(setup, targets);
            return Section(row, await redis.CommandAsync("CONFIG", "GET", "appendfsync"));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<IntakeRow> MeasureAsync(BenchmarkSetup setup, IntakeTargets targets)
    {
        var events = setup.Quick ? 2_000 : 20_000;
        var bodies = setup.Pushes(0, events, i => i % Repositories);
        var check = await targets.VerifyClientAsync(bodies[..50]);
        await targets.WarmUpAsync(bodies[50..(Repositories * 2)]);
        var measured = bodies[(Repositories * 2)..];
        var row = await targets.CompareAsync($"**cluster mode, {Repositories} repositories**, closed loop, {Connections} connections",
            Durability, load => load.ClosedLoopAsync(measured, Connections));
        Console.WriteLine(check);
        return row;
    }

    /// <summary>A silo on ports of its own, advertised on loopback.</summary>
    private static Task<HandlerProcess> StartSiloAsync(Dictionary<string, string> cluster) =>
        HandlerProcess.StartAsync(new Dictionary<string, string>(cluster)
        {
            ["Handler__Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Handler__Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Handler__Cluster__AdvertisedAddress"] = "127.0.0.1",
        }, HandlerComponent.Silo);

    /// <summary>Waits until the Api's <c>/readyz</c> answers 200: it has joined the cluster through a gateway.</summary>
    private static async Task ReadyAsync(Uri baseUri)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                using var answer = await http.GetAsync("/readyz");
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the cluster's Api at {baseUri} was not ready within 2 minutes");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static string Section(IntakeRow row, string appendfsync) => $"""
        {Heading}

        Measured by `dotnet run -c Release --project tests/Benchmarks -- --scenario cluster --write docs/benchmarks.md`
        on {DateTime.UtcNow:yyyy-MM-dd}. Debian's `redis-server` with `--appendonly yes --appendfsync always` (it said
        `appendfsync` = `{appendfsync.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}`), {Silos} silos and the Api in cluster mode, each its own process on this
        machine, every process sharing the same 2 cores with the load generator and the ceiling.

        {IntakeRow.Table([row])}

        Target on 2 cores (issue 11): report; at least 2,000 acked/s.
        """;
}
