using StackExchange.Redis;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// The cluster's journal in Redis. A stream is a hash (<c>version</c>, <c>snapshotVersion</c>, <c>snapshot</c>,
/// <c>pending</c>) and a list of the entries after the snapshot, under <c>&lt;prefix&gt;/journal/&lt;stream&gt;</c>.
/// An append is one script: it checks the version and writes the entries (or the snapshot) atomically, so two
/// activations can never both write; with <c>appendfsync always</c> Redis answers it once it is in its own log,
/// and it flushes that log once per turn of its event loop for all the clients it served in that turn.
/// </summary>
public sealed class RedisJournalStore(IConnectionMultiplexer redis, string prefix) : IJournalStore
{
    private const string ReadScript = """
        local head = redis.call('HMGET', KEYS[1], 'version', 'snapshotVersion', 'snapshot')
        return {head[1], head[2], head[3], redis.call('LRANGE', KEYS[2], 0, -1)}
        """;

    // ARGV: expected version, pending (0/1), entry count, snapshot ('' for none), entries...
    private const string AppendScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if current ~= tonumber(ARGV[1]) then
          return current
        end
        local version = current + tonumber(ARGV[3])
        if ARGV[4] ~= '' then
          redis.call('DEL', KEYS[2])
          redis.call('HSET', KEYS[1], 'version', version, 'snapshotVersion', version, 'snapshot', ARGV[4], 'pending', ARGV[2])
        else
          if #ARGV > 4 then
            redis.call('RPUSH', KEYS[2], unpack(ARGV, 5))
          end
          redis.call('HSET', KEYS[1], 'version', version, 'pending', ARGV[2])
        end
        return -1
        """;

    public async Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReadScript, KeysOf(stream)).WaitAsync(cancellationToken))!;
        if (result[0].IsNull)
        {
            return JournalRead.Empty;
        }

        var snapshot = result[2].IsNull ? null : (byte[]?)result[2];
        var snapshotVersion = result[1].IsNull ? 0 : (long)result[1];
        var entries = ((RedisResult[])result[3]!).Select(e => (byte[])e!).ToList();
        return new JournalRead((long)result[0], snapshot is { Length: > 0 } ? snapshot : null, snapshotVersion, entries);
    }

    public async Task AppendAsync(JournalAppend append, CancellationToken cancellationToken)
    {
        var values = new List<RedisValue>(4 + append.Entries.Count)
        {
            append.ExpectedVersion,
            append.Pending ? 1 : 0,
            append.Entries.Count,
            append.Snapshot is { } snapshot ? snapshot : RedisValue.EmptyString,
        };
        if (append.Snapshot is null)
        {
            values.AddRange(append.Entries.Select(e => (RedisValue)e));
        }

        var answer = (long)(await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, KeysOf(append.Stream), [.. values]).WaitAsync(cancellationToken));
        if (answer >= 0)
        {
            throw new JournalConflictException(append.Stream, append.ExpectedVersion, answer);
        }
    }

    private RedisKey[] KeysOf(string stream) => [$"{prefix}/journal/{stream}", $"{prefix}/journal/{stream}/entries"];
}
