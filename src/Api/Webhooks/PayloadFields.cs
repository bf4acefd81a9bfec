using System.Buffers;
using System.Text.Json;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>What a field of the payload held, as far as the handler cares.</summary>
internal enum FieldKind
{
    Missing,
    Null,
    String,
    True,
    False,

    /// <summary>An object; for the one kept whole (<see cref="PayloadPaths.Capture"/>) its compact JSON is the text.</summary>
    Object,

    /// <summary>A JSON number; its text is kept (as written, at most <see cref="PayloadFields.MaxNumberBytes"/>) for a wanted field.</summary>
    Number,
    Other,

    /// <summary>A string too long for any field the handler keeps; its text was never materialised.</summary>
    TooLong,

    /// <summary>The field appears more than once in its object.</summary>
    Repeated,

    /// <summary>An object kept whole (<see cref="PayloadPaths.Capture"/>) that broke its bounds; the text is the rule it broke.</summary>
    OutOfBounds,
}

/// <summary>One field the handler reads: its kind and, for a string, a number or an object kept whole, its text.</summary>
internal readonly record struct PayloadField(FieldKind Kind, string? Text = null);

/// <summary>
/// The few fields of a payload the handler reads, taken in one streaming pass with <see cref="Utf8JsonReader"/>:
/// the whole document is checked to be JSON, but only the wanted fields (<see cref="PayloadPaths"/>) are kept. Memory is
/// bounded by the largest single token (a long string in a field nobody reads), never by the document.
/// </summary>
internal sealed class PayloadFields
{
    /// <summary>Deepest nesting accepted; GitHub's payloads use fewer than ten levels.</summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// Longest raw (still escaped) string kept for a wanted field; anything longer is <see cref="FieldKind.TooLong"/>.
    /// Generous enough for every bound the parser applies (2,048 characters of URL, each escaped as <c>\uXXXX</c>).
    /// </summary>
    public const int MaxRawStringBytes = 16 * 1024;

    private const int ChunkBytes = 64 * 1024;
    private const int MaxNameBytes = 64;

    /// <summary>Longest number kept as text: more digits than any 64-bit integer has.</summary>
    public const int MaxNumberBytes = 32;

    private readonly Dictionary<string, PayloadField> _fields = new(StringComparer.Ordinal);

    // Per open container, its path when it is one the handler reads into, null otherwise.
    private readonly Stack<string?> _open = new();
    private string? _pending;
    private bool _started;

    // The object being kept whole (PayloadPaths.Capture), while the reader is inside it.
    private JsonCapture? _capture;
    private string? _capturePath;

    private PayloadFields()
    {
    }

    /// <summary>The field at a dotted path, e.g. <c>repository.full_name</c>.</summary>
    public PayloadField this[string path] => _fields.GetValueOrDefault(path, new PayloadField(FieldKind.Missing));

    /// <summary>Reads a JSON document to its end. Malformed JSON, a root that is not an object, or nesting deeper than <see cref="MaxDepth"/> is refused.</summary>
    public static async Task<PayloadFields> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        var rented = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var fields = new PayloadFields();
            await fields.ConsumeAsync(json, rented, cancellationToken);
            return fields._started ? fields : throw new WebhookPayloadException("malformed JSON: the body is empty");
        }
        catch (JsonException e)
        {
            throw new WebhookPayloadException($"malformed JSON: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            throw new WebhookPayloadException("malformed JSON: a field name is not valid UTF-8");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads the stream to its end through <paramref name="buffer"/>, handing each chunk to the JSON reader.</summary>
    private async Task ConsumeAsync(Stream json, byte[] buffer, CancellationToken cancellationToken)
    {
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth });
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // One token is larger than the buffer. Larger buffers are not pooled, so none is kept once this is done.
                var larger = GC.AllocateUninitializedArray<byte>(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(larger);
                buffer = larger;
            }

            var read = await json.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            filled += read;
            var consumed = Consume(buffer.AsSpan(0, filled), isFinalBlock: read == 0, ref state);
            if (read == 0)
            {
                return;
            }

            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }
    }

    private int Consume(ReadOnlySpan<byte> data, bool isFinalBlock, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, state);
        while (reader.Read())
        {
            Visit(ref reader);
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private void Visit(ref Utf8JsonReader reader)
    {
        if (!_started)
        {
            _started = reader.TokenType == JsonTokenType.StartObject ? true : throw new WebhookPayloadException("the payload is not a JSON object");
            _open.Push("");
            return;
        }

        if (_capture is not null)
        {
            Continue(ref reader);
            return;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _pending = PathOf(ref reader);
                return;
            case JsonTokenType.StartObject:
                OpenObject(ref reader, Take());
                return;
            case JsonTokenType.StartArray:
                OpenArray();
                return;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                _open.Pop();
                return;
            case JsonTokenType.String:
                VisitString(ref reader, Take());
                return;
            case JsonTokenType.Number:
                VisitNumber(ref reader, Take());
                return;
            default:
                Record(Take(), ScalarKind(reader.TokenType));
                return;
        }
    }

    /// <summary>An array: recorded as there (the handler keeps no array), and read past.</summary>
    private void OpenArray()
    {
        Record(Take(), FieldKind.Other);
        _open.Push(null);
    }

    /// <summary>The dotted path of the property the reader is on, inside a container the handler reads into; null elsewhere.</summary>
    private string? PathOf(ref Utf8JsonReader reader) =>
        _open.Peek() is { } parent && RawLength(ref reader) <= MaxNameBytes
            ? (parent.Length == 0 ? reader.GetString()! : $"{parent}.{reader.GetString()}")
            : null;

    /// <summary>
    /// An object at <paramref name="path"/>: kept whole when it is the one <see cref="PayloadPaths.Capture"/> names, read
    /// into when it is one of <see cref="PayloadPaths.Containers"/>, read past otherwise.
    /// </summary>
    private void OpenObject(ref Utf8JsonReader reader, string? path)
    {
        if (PayloadPaths.Capture(path) is { } capture)
        {
            (_capture, _capturePath) = (capture, path);
            Continue(ref reader);
            return;
        }

        var reads = path is not null && PayloadPaths.Containers.Contains(path);
        Record(path, reads ? FieldKind.Object : FieldKind.Other);
        _open.Push(reads ? path : null);
    }

    /// <summary>Hands a token of the object being kept whole to its capture; once the object ends, records it.</summary>
    private void Continue(ref Utf8JsonReader reader)
    {
        if (_capture!.Add(ref reader))
        {
            Record(_capturePath, _capture.Field);
            (_capture, _capturePath) = (null, null);
        }
    }

    private static FieldKind ScalarKind(JsonTokenType token) => token switch
    {
        JsonTokenType.Null => FieldKind.Null,
        JsonTokenType.True => FieldKind.True,
        JsonTokenType.False => FieldKind.False,
        _ => FieldKind.Other,
    };

    /// <summary>A string is only materialised for a wanted field, and only when it is short enough to be kept.</summary>
    private void VisitString(ref Utf8JsonReader reader, string? path)
    {
        if (path is null || !PayloadPaths.Leaves.Contains(path))
        {
            Record(path, FieldKind.Other);
        }
        else if (RawLength(ref reader) > PayloadPaths.MaxRawBytes(path))
        {
            Record(path, FieldKind.TooLong);
        }
        else
        {
            Record(path, new PayloadField(FieldKind.String, Text(ref reader, path)));
        }
    }

    /// <summary>A number is kept as its text for a wanted field, when it is short enough to be an integer at all.</summary>
    private void VisitNumber(ref Utf8JsonReader reader, string? path)
    {
        var kept = path is not null && PayloadPaths.Leaves.Contains(path) && RawLength(ref reader) <= MaxNumberBytes;
        Record(path, kept ? new PayloadField(FieldKind.Number, System.Text.Encoding.ASCII.GetString(reader.ValueSpan)) : new PayloadField(FieldKind.Other));
    }

    private string? Take()
    {
        var path = _pending;
        _pending = null;
        return path;
    }

    private void Record(string? path, FieldKind kind) => Record(path, new PayloadField(kind));

    private void Record(string? path, PayloadField field)
    {
        if (!PayloadPaths.IsWanted(path))
        {
            return;
        }

        _fields[path] = _fields.ContainsKey(path) ? new PayloadField(FieldKind.Repeated) : field;
    }

    private static long RawLength(ref Utf8JsonReader reader) => reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;

    private static string Text(ref Utf8JsonReader reader, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new WebhookPayloadException($"{path} is not valid UTF-8");
        }
    }
}
