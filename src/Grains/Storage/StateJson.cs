using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// How grain state is written: plain System.Text.Json, enums by name, no CLR type names, so that renaming a
/// class never orphans stored state.
/// </summary>
public static class StateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };
}
