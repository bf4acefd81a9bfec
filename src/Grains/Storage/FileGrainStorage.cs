using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// Grain storage for the local all-in-one mode. Each write appends the whole state as one checksummed record to
/// the grain's log file and flushes it to disk before returning, so an acknowledged write survives a kill. A record
/// torn by a crash mid-append is never acknowledged: reading skips it, and the next append first cuts the log back
/// to the last intact record (see <see cref="StateLog"/>). When the log grows past a few states it is compacted
/// into a snapshot document (written to a temporary file, flushed, renamed). Appending costs one write and one
/// fsync, where replacing a file per write also costs a create, a rename and a delete.
/// ETags are sequence numbers, so a stale write is refused.
/// </summary>
public sealed class FileGrainStorage(string directory) : IGrainStorage
{
    private const int CompactAfterRecords = 64;

    // Per grain, as this process last read or wrote it: the ETag, the log's intact records and where they end.
    // Only this process writes these files, so its appends start where its own knowledge ends.
    private readonly ConcurrentDictionary<string, Stored> _known = new();

    public string Directory { get; } = System.IO.Directory.CreateDirectory(directory).FullName;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var basePath = BasePathOf(stateName, grainId);
        var (stateJson, stored, _) = await ReadLatestAsync(basePath);
        _known[basePath] = stored;
        grainState.State = (stateJson is null ? default : stateJson.Deserialize<T>(StateJson.Options)) ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = stateJson is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var basePath = BasePathOf(stateName, grainId);
        var known = _known.TryGetValue(basePath, out var read) ? read : (await ReadLatestAsync(basePath)).Stored;
        if (known.ETag != grainState.ETag)
        {
            throw new InconsistentStateException($"the stored state of {grainId} changed since it was read", known.ETag ?? "", grainState.ETag ?? "");
        }

        var etag = (long.TryParse(known.ETag, CultureInfo.InvariantCulture, out var previous) ? previous + 1 : 1).ToString(CultureInfo.InvariantCulture);
        var document = Serialize(grainId, etag, grainState.State);
        Stored written;
        if (known.Records + 1 > CompactAfterRecords)
        {
            await WriteSnapshotAsync(basePath, document);
            File.Delete(basePath + ".log");
            written = new Stored(etag, 0, 0);
        }
        else
        {
            // A failed append leaves _known as it was, so the next one cuts off whatever this one left behind.
            written = new Stored(etag, known.Records + 1, await StateLog.AppendAsync(basePath + ".log", known.LogLength, document, CancellationToken.None));
        }

        _known[basePath] = written;
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var basePath = BasePathOf(stateName, grainId);
        File.Delete(basePath + ".log");
        File.Delete(basePath + ".json");
        _known.TryRemove(basePath, out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>Every stored state of one name, with the grain id it belongs to, for recovery at start-up.</summary>
    public async IAsyncEnumerable<(string GrainId, T State)> ReadAllAsync<T>(string stateName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefix = Uri.EscapeDataString(stateName) + "__";
        var bases = System.IO.Directory.EnumerateFiles(Directory, prefix + "*")
            .Where(p => p.EndsWith(".json", StringComparison.Ordinal) || p.EndsWith(".log", StringComparison.Ordinal))
            .Select(p => p[..p.LastIndexOf('.')])
            .Distinct();
        foreach (var basePath in bases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (stateJson, _, grainId) = await ReadLatestAsync(basePath);
            if (stateJson is not null && grainId is not null && stateJson.Deserialize<T>(StateJson.Options) is { } state)
            {
                yield return (grainId, state);
            }
        }
    }

    private static byte[] Serialize<T>(GrainId grainId, string etag, T state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("grainId", grainId.ToString());
            writer.WriteString("etag", etag);
            writer.WritePropertyName("state");
            JsonSerializer.Serialize(writer, state, StateJson.Options);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task WriteSnapshotAsync(string basePath, byte[] document)
    {
        var temporary = basePath + ".json.tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            await stream.WriteAsync(document);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, basePath + ".json", overwrite: true);
    }

    /// <summary>The newest of the snapshot and the log's newest intact record, by ETag.</summary>
    private static async Task<(JsonNode? State, Stored Stored, string? GrainId)> ReadLatestAsync(string basePath)
    {
        var best = File.Exists(basePath + ".json") ? JsonNode.Parse(await File.ReadAllBytesAsync(basePath + ".json")) : null;
        var log = File.Exists(basePath + ".log") ? StateLog.Scan(await File.ReadAllBytesAsync(basePath + ".log")) : LogScan.Empty;
        if (log.Newest is not null && (best is null || ETagOf(log.Newest) > ETagOf(best)))
        {
            best = log.Newest;
        }

        var etag = best?["etag"]!.GetValue<string>();
        return (best?["state"], new Stored(etag, log.Records, log.IntactLength), best?["grainId"]?.GetValue<string>());
    }

    private static long ETagOf(JsonNode document) => long.Parse(document["etag"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private string BasePathOf(string stateName, GrainId grainId) =>
        Path.Combine(Directory, $"{Uri.EscapeDataString(stateName)}__{Uri.EscapeDataString(grainId.ToString())}");

    private readonly record struct Stored(string? ETag, int Records, long LogLength);
}
