using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Redis;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>The local mode's storage: the journal in SQLite, the index shards in files, in one directory across restarts.</summary>
public sealed class LocalIndexCluster : ClusterFixture;

/// <summary>The cluster mode's storage: journal and index shards in a fresh redis-server, under one service id across restarts.</summary>
public sealed class RedisIndexCluster : ClusterFixture
{
    private const string ServiceId = "repository-index-tests";
    private RedisServer? _redis;

    public override async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureCluster(InProcessTestClusterOptions options) => options.ServiceId = ServiceId;

    /// <summary>As the Silo registers it (<c>AddClusterSilo</c>).</summary>
    protected override void AddStorage(ISiloBuilder silo)
    {
        silo.AddRedisGrainStorage(StorageNames.Repositories, o =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(_redis!.ConnectionString);
            o.GrainStorageSerializer = new StateJsonGrainStorageSerializer();
            o.DeleteStateOnClear = true;
        });
        silo.Services.AddRedisJournal(ConfigurationOptions.Parse(_redis!.ConnectionString), ServiceId);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
