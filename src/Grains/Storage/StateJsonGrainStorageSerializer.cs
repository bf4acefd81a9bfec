using System.Text.Json;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// The grain-storage serializer for providers such as Redis: the same plain System.Text.Json as the local
/// file storage, with no CLR type names, so stored state survives renames and reads the same everywhere.
/// </summary>
public sealed class StateJsonGrainStorageSerializer : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, StateJson.Options));

    public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(StateJson.Options)!;
}
