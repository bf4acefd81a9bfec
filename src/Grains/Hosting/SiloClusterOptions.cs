namespace K8sWebhookHandler.Grains.Hosting;

/// <summary>
/// <c>Handler:Cluster</c>: Redis clustering, grain storage and reminders of the silo cluster, read by every silo and by
/// the Api in cluster mode. Validated by <see cref="SiloClusterOptionsValidator"/>; a silo's own endpoints by
/// <see cref="SiloEndpointsValidator"/>.
/// </summary>
public sealed class SiloClusterOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler:Cluster";

    /// <summary><c>Handler:Cluster:RedisConnectionString</c>: StackExchange.Redis configuration, e.g. <c>redis:6379</c> or <c>redis:6379,password=…</c>. Required.</summary>
    public string RedisConnectionString { get; set; } = "";

    /// <summary><c>Handler:Cluster:RedisUser</c>: the Redis ACL user, kept apart from the connection string; unset: none or the string's.</summary>
    public string? RedisUser { get; set; }

    /// <summary>
    /// <c>Handler:Cluster:RedisPassword</c>: the Redis password, kept apart from the connection string so that it can come
    /// from a Secret whatever characters it holds; unset: none or the string's.
    /// </summary>
    public string? RedisPassword { get; set; }

    /// <summary><c>Handler:Cluster:ClusterId</c>: silos and clients with the same cluster id form one cluster. Default <c>k8s-webhook-handler</c>.</summary>
    public string ClusterId { get; set; } = "k8s-webhook-handler";

    /// <summary><c>Handler:Cluster:ServiceId</c>: keys stored state; keep it across upgrades. Default <c>k8s-webhook-handler</c>.</summary>
    public string ServiceId { get; set; } = "k8s-webhook-handler";

    /// <summary><c>Handler:Cluster:SiloPort</c>: a silo's silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary><c>Handler:Cluster:GatewayPort</c>: a silo's port for clients (the Api). Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// <c>Handler:Cluster:AdvertisedAddress</c>: the address other silos reach this one at (the pod IP, from the downward
    /// API); unset: the first non-loopback address.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The Redis configuration: the connection string, with <see cref="RedisUser"/> and <see cref="RedisPassword"/> when set.</summary>
    public StackExchange.Redis.ConfigurationOptions Redis()
    {
        var redis = StackExchange.Redis.ConfigurationOptions.Parse(RedisConnectionString);
        if (!string.IsNullOrEmpty(RedisUser))
        {
            redis.User = RedisUser;
        }

        if (!string.IsNullOrEmpty(RedisPassword))
        {
            redis.Password = RedisPassword;
        }

        return redis;
    }

    /// <summary>
    /// Names the cluster and the service on an Orleans client's or silo's <see cref="Orleans.Configuration.ClusterOptions"/>:
    /// one place, so that a client and the silos can never be told different ids.
    /// </summary>
    public void Identify(Orleans.Configuration.ClusterOptions cluster)
    {
        cluster.ClusterId = ClusterId;
        cluster.ServiceId = ServiceId;
    }
}
