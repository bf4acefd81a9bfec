using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Re-writes one JSON object of a payload, token by token as the streaming reader meets them, as compact JSON
/// (<see cref="Utf8JsonWriter"/>; strings escaped only where JSON requires it). Memory is bounded by the cap: once the
/// value is known to be larger than <c>maxBytes</c>, or to nest deeper than <c>maxDepth</c>, writing stops and the rest
/// of it is only read past; the field then says why (<see cref="FieldKind.OutOfBounds"/>), for the parser to refuse it
/// when, and only when, the event is one that uses it.
/// </summary>
internal sealed class JsonCapture(int maxBytes, int maxDepth)
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private Utf8JsonWriter? _writer;
    private string? _refusal;
    private int _depth;

    /// <summary>Takes the reader's current token; true when it completed the object.</summary>
    public bool Add(ref Utf8JsonReader reader)
    {
        _depth += reader.TokenType switch
        {
            JsonTokenType.StartObject or JsonTokenType.StartArray => 1,
            JsonTokenType.EndObject or JsonTokenType.EndArray => -1,
            _ => 0,
        };
        if (_refusal is null)
        {
            _refusal = _depth > maxDepth ? $"is nested deeper than {maxDepth} levels" : Write(ref reader);
        }

        if (_depth > 0 && _refusal is null)
        {
            return false;
        }

        _writer?.Dispose();
        _writer = null;
        return _depth == 0;
    }

    /// <summary>The object as compact JSON, or why it was not kept; only once <see cref="Add"/> said it is complete.</summary>
    public PayloadField Field => _refusal is null
        ? new PayloadField(FieldKind.Object, System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan))
        : new PayloadField(FieldKind.OutOfBounds, _refusal);

    /// <summary>Writes the token; the refusal when the value has become too large for the cap, else null.</summary>
    private string? Write(ref Utf8JsonReader reader)
    {
        var writer = _writer ??= new Utf8JsonWriter(_buffer, WriterOptions);
        if (reader.ValueSpan.Length > maxBytes)
        {
            return TooLarge;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName or JsonTokenType.String:
                return WriteText(writer, ref reader);
            case JsonTokenType.Number:
                // As written: the reader has checked it is a JSON number, and re-reading it could round it.
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }

        return Written(writer);
    }

    private string? WriteText(Utf8JsonWriter writer, ref Utf8JsonReader reader)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "holds a string that is not valid UTF-8";
        }

        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            writer.WritePropertyName(text);
        }
        else
        {
            writer.WriteStringValue(text);
        }

        return Written(writer);
    }

    private string? Written(Utf8JsonWriter writer) => writer.BytesCommitted + writer.BytesPending > maxBytes ? TooLarge : null;

    private string TooLarge => $"is larger than {maxBytes} bytes as compact JSON";
}
