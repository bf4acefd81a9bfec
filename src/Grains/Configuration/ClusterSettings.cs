namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>Whether the Api hosts its own silo or joins a silo cluster as a client.</summary>
public enum HostingMode
{
    /// <summary>The all-in-one mode: an in-process silo with file storage.</summary>
    Local,

    /// <summary>An Orleans client of the silo cluster in Redis.</summary>
    Cluster,
}

/// <summary><c>Handler:Cluster</c>: Redis clustering, grain storage and reminders for the silo cluster.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Handler:Cluster";

    /// <summary>StackExchange.Redis configuration, e.g. <c>redis:6379</c> or <c>redis:6379,password=…</c>.</summary>
    public string RedisConnectionString { get; set; } = "";

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "k8s-webhook-handler";

    /// <summary>Keys stored state; keep it across upgrades.</summary>
    public string ServiceId { get; set; } = "k8s-webhook-handler";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (the pod IP, from the downward API); unset: the first non-loopback address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>What is missing for cluster mode, or null.</summary>
    public string? Problem() => string.IsNullOrWhiteSpace(RedisConnectionString)
        ? "Handler:Cluster:RedisConnectionString is empty: set it (Handler__Cluster__RedisConnectionString=redis:6379) for cluster mode."
        : null;

    public void Validate()
    {
        if (Problem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }
}
