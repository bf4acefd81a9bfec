using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>What reading a grain's log found: its newest intact record, how many there are, and where the newest ends.</summary>
/// <param name="Newest">The intact record with the highest ETag (the later one of equals): <c>grainId</c>, <c>etag</c>, <c>state</c>.</param>
/// <param name="Records">Intact records in the log, for deciding when to compact it.</param>
/// <param name="IntactLength">The offset just past the newest intact record: the next append goes here.</param>
internal sealed record LogScan(JsonNode? Newest, int Records, long IntactLength)
{
    public static LogScan Empty { get; } = new(null, 0, 0);
}

/// <summary>
/// The record format of a grain's log. Each record holds a whole state document, so the newest intact record (by
/// ETag; in a log written as designed that is also the last one) is the state and every other one is history.
/// <para>
/// Version 2 (written now): marker <c>"2HWK"</c>, length (int32 LE), CRC-32 of the document (uint32 LE), document.
/// Version 1 (written before the checksum): marker <c>"LHWK"</c>, length (int32 LE), document; still read.
/// </para>
/// <para>
/// Reading. A record is intact when its marker is known, its length fits in the file, its checksum matches (version
/// 2) and its document parses. A record that is not intact — a crash mid-append leaves one at the end; a power loss
/// can leave one of the right length full of zeros — is skipped, and reading resumes at the next marker after it.
/// Skipping rather than stopping matters because a tear may be followed by acknowledged records: versions before
/// this one appended after a torn tail without cutting it. Since each record is a whole state, skipping a damaged
/// one loses nothing that a later intact one does not replace. A damaged last record is taken for an append that
/// never completed, and so was never acknowledged: a completed one was flushed whole, checksum included, first.
/// </para>
/// <para>
/// Writing. Before an append, the file is cut back to the end of the newest intact record and the cut is flushed
/// to disk, so that an acknowledged record never again lies behind a tear.
/// </para>
/// </summary>
internal static class StateLog
{
    private const uint Version1Marker = 0x4B57484C; // "LHWK" on disk
    private const uint Version2Marker = 0x4B574832; // "2HWK" on disk
    private const int Version1Header = 8;
    private const int Version2Header = 12;

    /// <summary>Reads every record of a log, skipping those that are not intact.</summary>
    public static LogScan Scan(ReadOnlySpan<byte> log)
    {
        JsonNode? newest = null;
        var newestETag = long.MinValue;
        var records = 0;
        var intactLength = 0L;
        var offset = 0;
        while (offset < log.Length)
        {
            if (TryRead(log[offset..], out var document, out var etag, out var size))
            {
                records++;
                offset += size;
                if (etag >= newestETag)
                {
                    (newest, newestETag, intactLength) = (document, etag, offset);
                }

                continue;
            }

            var next = NextMarker(log, offset + 1);
            if (next < 0)
            {
                break;
            }

            offset = next;
        }

        return new LogScan(newest, records, intactLength);
    }

    /// <summary>
    /// Cuts the log back to <paramref name="intactLength"/> (a torn or failed append beyond it was never acknowledged),
    /// appends one version 2 record, and flushes it to disk. Returns the new intact length.
    /// </summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">The log is shorter than when it was read.</exception>
    public static async Task<long> AppendAsync(string path, long intactLength, byte[] document, CancellationToken cancellationToken)
    {
        var record = new byte[Version2Header + document.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Version2Marker);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), document.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32.HashToUInt32(document));
        document.CopyTo(record, Version2Header);

        await using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1);
        if (stream.Length < intactLength)
        {
            throw new Orleans.Storage.InconsistentStateException($"the log {path} is shorter than when it was read: it changed under this process");
        }

        if (stream.Length > intactLength)
        {
            stream.SetLength(intactLength);
            stream.Flush(flushToDisk: true);
        }

        stream.Position = intactLength;
        await stream.WriteAsync(record, cancellationToken);
        stream.Flush(flushToDisk: true);
        return intactLength + record.Length;
    }

    private static bool TryRead(ReadOnlySpan<byte> log, out JsonNode? document, out long etag, out int size)
    {
        (document, etag, size) = (null, 0, 0);
        if (log.Length < Version1Header)
        {
            return false;
        }

        var marker = BinaryPrimitives.ReadUInt32LittleEndian(log);
        var header = marker switch
        {
            Version2Marker => Version2Header,
            Version1Marker => Version1Header,
            _ => 0,
        };
        var length = BinaryPrimitives.ReadInt32LittleEndian(log[4..]);
        if (header == 0 || length < 0 || log.Length < header || length > log.Length - header)
        {
            return false;
        }

        var body = log.Slice(header, length);
        if (marker == Version2Marker && BinaryPrimitives.ReadUInt32LittleEndian(log[8..]) != Crc32.HashToUInt32(body))
        {
            return false;
        }

        (document, etag) = Parse(body);
        size = header + length;
        return document is not null;
    }

    /// <summary>The document and its ETag, if it parses and carries one; null for bytes that only look like a record.</summary>
    private static (JsonNode? Document, long ETag) Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var document = JsonNode.Parse(body);
            return document?["etag"] is JsonValue value && value.TryGetValue<string>(out var text) && document["state"] is not null
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var etag)
                ? (document, etag)
                : (null, 0);
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }

    private static int NextMarker(ReadOnlySpan<byte> log, int from)
    {
        Span<byte> version1 = stackalloc byte[4];
        Span<byte> version2 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(version1, Version1Marker);
        BinaryPrimitives.WriteUInt32LittleEndian(version2, Version2Marker);
        var rest = log[from..];
        var (one, two) = (rest.IndexOf(version1), rest.IndexOf(version2));
        var first = one < 0 ? two : two < 0 ? one : Math.Min(one, two);
        return first < 0 ? -1 : from + first;
    }
}
