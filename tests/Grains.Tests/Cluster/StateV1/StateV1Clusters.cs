using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Redis;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace K8sWebhookHandler.Grains.Tests.Cluster.StateV1;

/// <summary>A cluster over storage that holds the captured version-1 state, on a fake clock set to when it was captured.</summary>
public abstract class StateV1Cluster() : ClusterFixture(StateV1.Options(), new FakeTimeProvider(StateV1.CapturedAt))
{
    public FakeTimeProvider FakeClock => (FakeTimeProvider)Clock;

    /// <summary>Whether the state is still where version 1 stored it.</summary>
    public abstract Task<bool> EarlierCopyExistsAsync();
}

/// <summary>The local mode's file storage, with the captured log placed where the storage keeps the grain's state.</summary>
public sealed class LocalFileStateV1Cluster : StateV1Cluster
{
    /// <summary>The file <see cref="FileGrainStorage"/> keeps the repository's state in: state name, then the escaped grain id.</summary>
    public const string LogName = "repository__repository%2Focto-org%2Fhello-world.log";

    public LocalFileStateV1Cluster() =>
        File.Copy(StateV1.FixturePath("local-file-storage.log"), Path.Combine(StorageDirectory, LogName));

    public override Task<bool> EarlierCopyExistsAsync() =>
        Task.FromResult(File.Exists(Path.Combine(StorageDirectory, LogName)) || File.Exists(Path.Combine(StorageDirectory, Path.ChangeExtension(LogName, ".json"))));
}

/// <summary>A fresh redis-server holding the captured key, and the silo's Redis grain storage under the same service id.</summary>
public sealed class RedisStateV1Cluster : StateV1Cluster
{
    private readonly JsonNode _captured = JsonNode.Parse(File.ReadAllText(StateV1.FixturePath("redis.json")))!;
    private RedisServer? _redis;

    public override async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        Assert.Equal("hash", _captured["type"]!.GetValue<string>());
        var key = _captured["key"]!.GetValue<string>();
        foreach (var (field, value) in _captured["fields"]!.AsObject())
        {
            Assert.Equal(":1\r\n", await _redis.CommandAsync("HSET", key, field, value!.GetValue<string>()));
        }

        await base.InitializeAsync();
    }

    public override async Task<bool> EarlierCopyExistsAsync() =>
        await _redis!.CommandAsync("EXISTS", _captured["key"]!.GetValue<string>()) == ":1\r\n";

    protected override void ConfigureCluster(InProcessTestClusterOptions options) =>
        options.ServiceId = _captured["serviceId"]!.GetValue<string>();

    /// <summary>As the Silo registers it (<c>AddClusterSilo</c>).</summary>
    protected override void AddStorage(ISiloBuilder silo)
    {
        silo.AddRedisGrainStorage(StorageNames.Repositories, o =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(_redis!.ConnectionString);
            o.GrainStorageSerializer = new StateJsonGrainStorageSerializer();
            o.DeleteStateOnClear = true;
        });
        silo.Services.AddRedisJournal(ConfigurationOptions.Parse(_redis!.ConnectionString), _captured["serviceId"]!.GetValue<string>());
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
