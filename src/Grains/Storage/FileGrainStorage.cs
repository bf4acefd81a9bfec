using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// Grain storage for the local all-in-one mode. Each write appends the whole state, length-prefixed, to the
/// grain's log file and flushes it to disk before returning, so an acknowledged write survives a kill; a torn
/// record at the end of the log (a crash mid-write) is ignored on reading. When the log grows past a few
/// states it is compacted into a snapshot document (written to a temporary file, flushed, renamed). Appending
/// costs one write and one fsync, where replacing a file per write also costs a create, a rename and a delete.
/// ETags are sequence numbers, so a stale write is refused.
/// </summary>
public sealed class FileGrainStorage(string directory) : IGrainStorage
{
    private const uint RecordMarker = 0x4B57484C; // "KWHL"
    private const int CompactAfterRecords = 64;
    private readonly ConcurrentDictionary<string, (string ETag, int Records)> _known = new();

    public string Directory { get; } = System.IO.Directory.CreateDirectory(directory).FullName;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var basePath = BasePathOf(stateName, grainId);
        var (etag, stateJson, records) = await ReadLatestAsync(basePath);
        if (stateJson is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            _known.TryRemove(basePath, out _);
            return;
        }

        grainState.State = stateJson.Deserialize<T>(StateJson.Options) ?? Activator.CreateInstance<T>();
        grainState.ETag = etag;
        grainState.RecordExists = true;
        _known[basePath] = (etag!, records);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var basePath = BasePathOf(stateName, grainId);
        var known = _known.GetValueOrDefault(basePath);
        if (known.ETag != grainState.ETag)
        {
            throw new InconsistentStateException($"the stored state of {grainId} changed since it was read", known.ETag ?? "", grainState.ETag ?? "");
        }

        var etag = (long.TryParse(known.ETag, CultureInfo.InvariantCulture, out var previous) ? previous + 1 : 1).ToString(CultureInfo.InvariantCulture);
        var document = Serialize(grainId, etag, grainState.State);
        var records = known.Records + 1;
        if (records > CompactAfterRecords)
        {
            await WriteSnapshotAsync(basePath, document);
            File.Delete(basePath + ".log");
            records = 0;
        }
        else
        {
            await AppendAsync(basePath + ".log", document);
        }

        _known[basePath] = (etag, records);
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
    public async IAsyncEnumerable<(string GrainId, T State)> ReadAllAsync<T>(string stateName)
    {
        var prefix = Uri.EscapeDataString(stateName) + "__";
        var bases = System.IO.Directory.EnumerateFiles(Directory, prefix + "*")
            .Where(p => p.EndsWith(".json", StringComparison.Ordinal) || p.EndsWith(".log", StringComparison.Ordinal))
            .Select(p => p[..p.LastIndexOf('.')])
            .Distinct();
        foreach (var basePath in bases)
        {
            var (_, stateJson, _, grainId) = await ReadLatestWithIdAsync(basePath);
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

    private static async Task AppendAsync(string path, byte[] document)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, RecordMarker);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), document.Length);
        await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1);
        await stream.WriteAsync(header);
        await stream.WriteAsync(document);
        stream.Flush(flushToDisk: true);
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

    private static async Task<(string? ETag, JsonNode? State, int Records)> ReadLatestAsync(string basePath)
    {
        var (etag, state, records, _) = await ReadLatestWithIdAsync(basePath);
        return (etag, state, records);
    }

    /// <summary>The newest of the snapshot and the log's last complete record, by ETag.</summary>
    private static async Task<(string? ETag, JsonNode? State, int Records, string? GrainId)> ReadLatestWithIdAsync(string basePath)
    {
        JsonNode? best = null;
        if (File.Exists(basePath + ".json"))
        {
            best = JsonNode.Parse(await File.ReadAllBytesAsync(basePath + ".json"));
        }

        var records = 0;
        if (File.Exists(basePath + ".log"))
        {
            var log = await File.ReadAllBytesAsync(basePath + ".log");
            var offset = 0;
            JsonNode? last = null;
            while (offset + 8 <= log.Length && BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(offset)) == RecordMarker)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(log.AsSpan(offset + 4));
                if (length < 0 || offset + 8 + length > log.Length)
                {
                    break; // A record torn by a crash mid-append: it was never acknowledged.
                }

                last = JsonNode.Parse(log.AsSpan(offset + 8, length));
                offset += 8 + length;
                records++;
            }

            if (last is not null && (best is null || ETagOf(last) > ETagOf(best)))
            {
                best = last;
            }
        }

        return best is null
            ? (null, null, 0, null)
            : (best["etag"]!.GetValue<string>(), best["state"], records, best["grainId"]?.GetValue<string>());
    }

    private static long ETagOf(JsonNode document) => long.Parse(document["etag"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private string BasePathOf(string stateName, GrainId grainId) =>
        Path.Combine(Directory, $"{Uri.EscapeDataString(stateName)}__{Uri.EscapeDataString(grainId.ToString())}");
}
