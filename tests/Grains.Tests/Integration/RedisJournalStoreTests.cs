using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Testing.Redis;
using StackExchange.Redis;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The cluster's journal against a real redis-server: the contract, and where its keys are.</summary>
public sealed class RedisJournalStoreTests : JournalStoreContract, IAsyncLifetime
{
    private RedisServer? _redis;
    private ConnectionMultiplexer? _connection;
    private IJournalStore? _store;

    protected override IJournalStore Store => _store!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        _store = new RedisJournalStore(_connection, "service-a");
    }

    public async Task DisposeAsync()
    {
        _connection?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stream_IsKeptUnderTheServiceId_AsAHashAndAList()
    {
        await Store.AppendAsync(new JournalAppend("repository/octo/app", 0, [Bytes("a")], null, true), CancellationToken.None);

        var keys = _connection!.GetServer(_redis!.ConnectionString).Keys().Select(k => k.ToString()).Order();
        var head = await _connection.GetDatabase().HashGetAllAsync("service-a/journal/repository/octo/app");

        Assert.Equal(["service-a/journal/repository/octo/app", "service-a/journal/repository/octo/app/entries"], keys);
        Assert.Equal([("pending", "1"), ("version", "1")], head.Select(e => (e.Name.ToString(), e.Value.ToString())).Order());
    }
}
