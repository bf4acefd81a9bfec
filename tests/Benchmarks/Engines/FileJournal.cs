using System.Buffers.Binary;
using System.IO.Hashing;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// A plain append-only file: each batch from the <see cref="GroupCommit{T}"/> queue is one write of its records
/// (length, CRC-32, stream, bytes) and one fsync. Reading stops at the first record that is not whole (a torn tail).
/// </summary>
public sealed class FileJournal(string directory) : IJournalEngine
{
    public static readonly JournalEngine Engine = new("plain file (one write + fsync per batch)",
        "one write() and one fsync() per batch",
        "1 file, journal.log, appended to for ever: compaction (a snapshot, then a new file and a rename) and the torn-tail " +
        "rule are code of our own to write and test. In process, nothing to install.",
        d => new FileJournal(d));

    private const int HeaderSize = 12;
    private FileStream? _file;
    private GroupCommit<(int Stream, byte[] Record)>? _commits;

    public IReadOnlyList<int>? BatchSizes => _commits?.BatchSizes;

    public Task OpenAsync()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "journal.log");
        var intact = File.Exists(path) ? Scan(path).IntactLength : 0;
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        _file.SetLength(intact);
        _file.Position = intact;
        _commits = new GroupCommit<(int, byte[])>(WriteAsync);
        _commits.Start();
        return Task.CompletedTask;
    }

    public Task AppendAsync(int stream, byte[] record) => _commits!.AppendAsync((stream, record));

    public Task<long> ReadAllAsync() => Task.FromResult(Scan(Path.Combine(directory, "journal.log")).Records);

    public async Task CloseAsync()
    {
        if (_commits is not null)
        {
            await _commits.DisposeAsync();
            _commits = null;
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
            _file = null;
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task WriteAsync(IReadOnlyList<(int Stream, byte[] Record)> batch)
    {
        var buffer = new byte[batch.Sum(b => HeaderSize + b.Record.Length)];
        var offset = 0;
        foreach (var (stream, record) in batch)
        {
            var header = buffer.AsSpan(offset, HeaderSize);
            BinaryPrimitives.WriteInt32LittleEndian(header, record.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(record));
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], stream);
            record.CopyTo(buffer, offset + HeaderSize);
            offset += HeaderSize + record.Length;
        }

        await _file!.WriteAsync(buffer);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Every whole record from the start, and where the last whole one ends.</summary>
    private static (long Records, long IntactLength) Scan(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long records = 0;
        var offset = 0;
        while (offset + HeaderSize <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            var end = offset + HeaderSize + length;
            if (length < 0 || end > bytes.Length ||
                Crc32.HashToUInt32(bytes.AsSpan(offset + HeaderSize, length)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)))
            {
                break;
            }

            records++;
            offset = end;
        }

        return (records, offset);
    }
}
