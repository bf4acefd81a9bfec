namespace K8sWebhookHandler.EndToEnd.Tests.Tracing;

/// <summary>One span as an OTLP/HTTP export carries it: its trace id (hex), name and string or integer attributes.</summary>
public sealed record OtlpSpan(string TraceId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    /// <summary>
    /// The spans of an <c>ExportTraceServiceRequest</c>: resource_spans (1) → scope_spans (2) → spans (2), each with
    /// trace_id (1), name (5) and attributes (9: key 1, value 2 → string_value 1 or int_value 3).
    /// </summary>
    public static IEnumerable<OtlpSpan> Read(byte[] request) =>
        from resource in Protobuf.Fields(request, 1)
        from scope in Protobuf.Fields(resource, 2)
        from span in Protobuf.Fields(scope, 2)
        select new OtlpSpan(
            Convert.ToHexStringLower(Protobuf.Fields(span, 1).FirstOrDefault() ?? []),
            Protobuf.Text(Protobuf.Fields(span, 5).FirstOrDefault()),
            Protobuf.Fields(span, 9).ToDictionary(kv => Protobuf.Text(Protobuf.Fields(kv, 1).FirstOrDefault()), kv => Value(Protobuf.Fields(kv, 2).FirstOrDefault() ?? [])));

    private static string Value(byte[] anyValue) =>
        Protobuf.Fields(anyValue, 1).FirstOrDefault() is { } text ? Protobuf.Text(text) : Protobuf.Varints(anyValue, 3).FirstOrDefault().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Just enough of protobuf's wire format to read fields by number: varints and length-delimited values.</summary>
internal static class Protobuf
{
    public static string Text(byte[]? bytes) => bytes is null ? "" : System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of <paramref name="message"/>.</summary>
    public static IEnumerable<byte[]> Fields(byte[] message, int number) =>
        Walk(message).Where(f => f.Number == number && f.Bytes is not null).Select(f => f.Bytes!);

    /// <summary>The varint fields numbered <paramref name="number"/> of <paramref name="message"/>.</summary>
    public static IEnumerable<long> Varints(byte[] message, int number) =>
        Walk(message).Where(f => f.Number == number && f.Bytes is null).Select(f => f.Varint);

    private static List<(int Number, long Varint, byte[]? Bytes)> Walk(byte[] message)
    {
        var fields = new List<(int, long, byte[]?)>();
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message, ref at);
            var (number, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0:
                    fields.Add((number, ReadVarint(message, ref at), null));
                    break;
                case 1 or 5:
                    at += wire == 1 ? 8 : 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    fields.Add((number, 0, message[at..(at + length)]));
                    at += length;
                    break;
                default:
                    throw new FormatException($"wire type {wire} at byte {at} is not one OTLP uses");
            }
        }

        return fields;
    }

    private static long ReadVarint(byte[] bytes, ref int at)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
