using System.Globalization;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using K8sWebhookHandler.Testing.Redis;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The cluster mode as an operator runs it: silos and the Api (a cluster client) as separate processes over one Redis.</summary>
public static class ClusterProcesses
{
    /// <summary>
    /// A password with the characters a connection string cannot carry (',' and '='): given apart from it
    /// (<c>Handler:Cluster:RedisPassword</c>), as the chart gives it from a Secret.
    /// </summary>
    public const string RedisPassword = "redis,pass=word w1th sp@ces";

    /// <summary>The settings every process of the cluster shares: the common ones, Redis, and no webhook secret (only the Api needs it).</summary>
    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string> common, RedisServer redis)
    {
        var cluster = new Dictionary<string, string>(common) { ["Handler__Cluster__RedisConnectionString"] = redis.ConnectionString };
        if (redis.Password is { } password)
        {
            cluster["Handler__Cluster__RedisPassword"] = password;
        }

        cluster.Remove("WEBHOOK_SECRET");
        return cluster;
    }

    /// <summary>A silo on ports of its own, which a restart keeps: its next incarnation retires the killed one at once.</summary>
    public static Task<HandlerProcess> StartSiloAsync(IReadOnlyDictionary<string, string> cluster) =>
        HandlerProcess.StartAsync(new Dictionary<string, string>(cluster)
        {
            ["Handler__Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Handler__Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Handler__Cluster__AdvertisedAddress"] = "127.0.0.1",
        }, HandlerComponent.Silo);

    /// <summary>The Api as a client of the cluster: it receives the webhooks and holds no grains.</summary>
    public static Task<HandlerProcess> StartApiAsync(IReadOnlyDictionary<string, string> cluster, string secret) =>
        HandlerProcess.StartAsync(new Dictionary<string, string>(cluster) { ["Handler__Mode"] = "Cluster", ["WEBHOOK_SECRET"] = secret });
}

/// <summary>
/// The processes of one cluster a fixture runs: Redis (append-only), the silos, which tests start and kill, and the
/// Api as the cluster's client that receives the webhooks.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<HandlerProcess> _silos = [];
    private Dictionary<string, string> _cluster = null!;
    private RedisServer? _redis;

    public IReadOnlyList<HandlerProcess> Silos => _silos;

    public async Task<HandlerProcess> StartSiloAsync()
    {
        var silo = await ClusterProcesses.StartSiloAsync(_cluster);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Starts Redis and one silo, then the Api, which it returns.</summary>
    public async Task<HandlerProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        _redis = await RedisServer.StartAsync(appendOnly: true, password: ClusterProcesses.RedisPassword);
        _cluster = ClusterProcesses.Settings(settings, _redis);
        await StartSiloAsync();
        return await ClusterProcesses.StartApiAsync(_cluster, settings["WEBHOOK_SECRET"]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>
/// <see cref="HandlerFixture"/> in cluster mode: Redis (append-only), one silo to begin with, and the Api as the
/// <see cref="HandlerFixture.Handler"/> that receives the webhooks. Tests start more silos and kill them.
/// </summary>
public sealed class ClusterHandlerFixture : HandlerFixture
{
    private readonly ClusterNodes _nodes = new();

    public IReadOnlyList<HandlerProcess> Silos => _nodes.Silos;

    public Task<HandlerProcess> StartSiloAsync() => _nodes.StartSiloAsync();

    protected override Task<HandlerProcess> StartHandlerAsync(IReadOnlyDictionary<string, string> settings) => _nodes.StartAsync(settings);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _nodes.DisposeAsync();
    }
}
