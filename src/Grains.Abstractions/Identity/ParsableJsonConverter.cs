using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8sWebhookHandler.Abstractions.Identity;

/// <summary>
/// Writes a value type of the vocabulary as its text (<see cref="object.ToString"/>), also as a dictionary key, and
/// reads it back through its own <c>Parse</c>, so stored JSON holds plain strings and a malformed one is refused.
/// </summary>
internal sealed class ParsableJsonConverter<T> : JsonConverter<T>
    where T : struct, IParsable<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.Parse(reader.GetString() ?? throw new JsonException($"a {typeof(T).Name} must be a string"), CultureInfo.InvariantCulture);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString()!);
}
