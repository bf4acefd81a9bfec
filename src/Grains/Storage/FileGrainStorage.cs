using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// Grain storage for the local all-in-one mode: one JSON file per grain under a directory, replaced atomically
/// (write to a temporary file, flush to disk, rename), with ETags so that a stale write is refused. A write
/// that returned has reached the disk, which is what "acknowledged means durable" needs.
/// </summary>
public sealed class FileGrainStorage(string directory) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, string> _etags = new();

    public string Directory { get; } = System.IO.Directory.CreateDirectory(directory).FullName;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var document = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        grainState.State = document["state"].Deserialize<T>(StateJson.Options) ?? Activator.CreateInstance<T>();
        grainState.ETag = document["etag"]!.GetValue<string>();
        grainState.RecordExists = true;
        _etags[path] = grainState.ETag;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var stored = _etags.GetValueOrDefault(path);
        if (stored != grainState.ETag)
        {
            throw new InconsistentStateException($"the stored state of {grainId} changed since it was read", stored ?? "", grainState.ETag ?? "");
        }

        var etag = (long.TryParse(stored, CultureInfo.InvariantCulture, out var previous) ? previous + 1 : 1).ToString(CultureInfo.InvariantCulture);
        var document = new JsonObject
        {
            ["grainId"] = grainId.ToString(),
            ["etag"] = etag,
            ["state"] = JsonSerializer.SerializeToNode(grainState.State, StateJson.Options),
        };
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await using (var writer = new Utf8JsonWriter(stream))
            {
                document.WriteTo(writer);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        _etags[path] = etag;
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        File.Delete(path);
        _etags.TryRemove(path, out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>Every stored state of one name, with the grain id it belongs to, for recovery at start-up.</summary>
    public async IAsyncEnumerable<(string GrainId, T State)> ReadAllAsync<T>(string stateName)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, Uri.EscapeDataString(stateName) + "__*.json"))
        {
            var document = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            if (document["state"].Deserialize<T>(StateJson.Options) is { } state)
            {
                yield return (document["grainId"]!.GetValue<string>(), state);
            }
        }
    }

    private string PathOf(string stateName, GrainId grainId) =>
        Path.Combine(Directory, $"{Uri.EscapeDataString(stateName)}__{Uri.EscapeDataString(grainId.ToString())}.json");
}
