using System.Globalization;
using Garnet;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>Debian's <c>redis-server</c> over a data directory, with <c>appendonly yes</c> and <c>appendfsync always</c>.</summary>
public sealed class RedisProcessServer(string directory) : IJournalServer
{
    public static readonly JournalEngine Engine = new("redis-server 7 (appendonly yes, appendfsync always), own process",
        "the AOF written and fsync'd before the answers of each event-loop turn (one fsync for all clients' commands of the turn)",
        "A server process to run and watch. Files: appendonlydir/ with a base file, an incremental AOF and a manifest. " +
        "Compaction: BGREWRITEAOF (automatic at 100 % growth) forks and rewrites the AOF from memory; all data stays in memory.",
        d => new RedisJournal(new RedisProcessServer(d)));

    private RunningProcess? _process;

    public async Task<string> StartAsync()
    {
        Directory.CreateDirectory(directory);
        var port = Loopback.FreePort();
        _process = RunningProcess.Start(ProcessRunner.Which("redis-server") ?? throw new InvalidOperationException("apt-get install -y redis-server"),
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
        ]);
        await _process.WaitForLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        return $"127.0.0.1:{port}";
    }

    /// <summary>SIGKILL: with <c>appendfsync always</c> every answered write is already in the fsync'd AOF.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }
}

/// <summary>
/// Microsoft Garnet, embedded in this process, with its append-only file on and every write waiting for the AOF
/// commit before its answer (<c>--aof --aof-commit-freq 0 --aof-commit-wait</c>), on the one device that writes
/// durably without a native library (<c>--device-type FileStream</c>: O_SYNC).
/// </summary>
public sealed class GarnetEmbeddedServer(string directory) : IJournalServer
{
    public static readonly JournalEngine Engine = new("Garnet 2.2.8 embedded (AOF, commit wait)",
        "each write's AOF commit awaited before the answer (TsavoriteLog, FasterLog's successor; concurrent commits coalesce), " +
        "the AOF written through a file opened O_SYNC (`--device-type FileStream`)",
        "In process but a server: a loopback port, a RESP client, its own memory settings (log, index, AOF buffer). The " +
        "default device on Linux (Native) needs libaio (`libaio.so.1`, not installed here); `RandomAccess` writes with " +
        "O_DIRECT and never fsyncs (seen with strace): safe from a process crash, not from a power loss. Files: " +
        "AOF/aof.log.0 and AOF/log-commits/ under the checkpoint directory. Compaction: a checkpoint (SAVE, BGSAVE) lets " +
        "the AOF before it be truncated; recovery loads the checkpoint, then replays the AOF.",
        d => new RedisJournal(new GarnetEmbeddedServer(d)));

    private GarnetServer? _server;

    public Task<string> StartAsync()
    {
        Directory.CreateDirectory(directory);
        var port = Loopback.FreePort();
        _server = new GarnetServer(
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--checkpointdir", directory,
            "--aof", "--aof-commit-freq", "0", "--aof-commit-wait", "--recover", "--device-type", "FileStream",
            "--memory", "256m", "--index", "16m", "--aof-memory", "64m",
        ]);
        _server.Start();
        return Task.FromResult($"127.0.0.1:{port}");
    }

    public Task StopAsync()
    {
        _server?.Dispose();
        _server = null;
        return Task.CompletedTask;
    }
}
