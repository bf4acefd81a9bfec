using StackExchange.Redis;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// A journal in a Redis-protocol server, one list per stream (<c>RPUSH journal:N record</c>), through one
/// StackExchange.Redis multiplexer: concurrent appends are pipelined on one connection, and the server makes each
/// durable before it answers. The server is started and restarted by <paramref name="server"/>.
/// </summary>
public sealed class RedisJournal(IJournalServer server) : IJournalEngine
{
    private ConnectionMultiplexer? _redis;
    private IDatabase? _database;

    public IReadOnlyList<int>? BatchSizes => null;

    public async Task OpenAsync()
    {
        var endpoint = await server.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AbortOnConnectFail = false,
            ConnectTimeout = 30_000,
            SyncTimeout = 30_000,
            AsyncTimeout = 30_000,
        });
        _database = _redis.GetDatabase();
        await _database.PingAsync();
    }

    public async Task AppendAsync(int stream, byte[] record)
    {
        await _database!.ListRightPushAsync($"journal:{stream}", record);
    }

    /// <summary>Every stream's list, read whole; the streams are found by SCAN.</summary>
    public async Task<long> ReadAllAsync()
    {
        long count = 0;
        var redisServer = _redis!.GetServers()[0];
        await foreach (var key in redisServer.KeysAsync(pattern: "journal:*", pageSize: 1000))
        {
            count += (await _database!.ListRangeAsync(key)).Length;
        }

        return count;
    }

    public async Task CloseAsync()
    {
        if (_redis is not null)
        {
            await _redis.CloseAsync();
            await _redis.DisposeAsync();
            _redis = null;
        }

        await server.StopAsync();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}

/// <summary>A Redis-protocol server over one data directory: started (recovering what is there), stopped, and started again.</summary>
public interface IJournalServer
{
    Task<string> StartAsync();

    Task StopAsync();
}
