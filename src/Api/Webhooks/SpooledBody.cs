using System.Buffers;
using System.IO.Pipelines;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// A request body as it was read and hashed: up to <see cref="MemoryBytes"/> in one pooled buffer, anything
/// larger in a temporary file in the system's temporary directory (only its owner may read it; on Unix unlinked
/// as soon as it is created, elsewhere deleted when this is disposed). An unauthenticated request therefore costs
/// at most one small buffer of memory, however large its body.
/// </summary>
public sealed class SpooledBody : IAsyncDisposable
{
    /// <summary>Bodies up to this size stay in memory; GitHub's usual payloads are well below it.</summary>
    public const int MemoryBytes = 64 * 1024;

    private readonly string _spoolDirectory;
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(MemoryBytes);
    private int _buffered;
    private FileStream? _file;

    private SpooledBody(string spoolDirectory) => _spoolDirectory = spoolDirectory;

    /// <summary>Bytes read.</summary>
    public long Length { get; private set; }

    /// <summary>Whether the body went to a temporary file.</summary>
    public bool Spilled => _file is not null;

    /// <summary>
    /// Reads the whole body, feeding every byte to <paramref name="signature"/>; null as soon as it is over
    /// <paramref name="maxBytes"/>, whatever Content-Length claimed.
    /// </summary>
    public static async Task<SpooledBody?> ReadAsync(PipeReader reader, long maxBytes, SignatureCheck signature, string spoolDirectory,
        CancellationToken cancellationToken)
    {
        var body = new SpooledBody(spoolDirectory);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                foreach (var segment in result.Buffer)
                {
                    body.Length += segment.Length;
                    if (body.Length > maxBytes)
                    {
                        await body.DisposeAsync();
                        return null;
                    }

                    signature.Append(segment.Span);
                    await body.WriteAsync(segment, cancellationToken);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    await body.CompleteAsync(cancellationToken);
                    return body;
                }
            }
        }
        catch
        {
            await body.DisposeAsync();
            throw;
        }
    }

    /// <summary>The body from its first byte. Owned by this body: read it, do not dispose it.</summary>
    public Stream Content => _file is not null ? _file : new MemoryStream(_buffer!, 0, _buffered, writable: false);

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
            _file = null;
        }

        ReturnBuffer();
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            if (_buffered == _buffer!.Length)
            {
                await SpillAsync(cancellationToken);
            }

            var count = Math.Min(data.Length, _buffer.Length - _buffered);
            data[..count].CopyTo(_buffer.AsMemory(_buffered));
            _buffered += count;
            data = data[count..];
        }
    }

    /// <summary>Moves what the buffer holds to the file, creating it the first time; the buffer is then reused.</summary>
    private async ValueTask SpillAsync(CancellationToken cancellationToken)
    {
        _file ??= CreateFile(_spoolDirectory);
        await _file.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken);
        _buffered = 0;
    }

    private static FileStream CreateFile(string directory)
    {
        var path = Path.Combine(directory, $"webhook-{Guid.NewGuid():N}.body");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            BufferSize = 0,
        };
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(path, options);
        }

        // The body is unauthenticated and may be anything: no other user of the machine reads it. The name is
        // removed at once (the open handle keeps the data), so not even a SIGKILL or an OOM kill leaves it behind.
        options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(path, options);
        File.Delete(path);
        return file;
    }

    private async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return;
        }

        await SpillAsync(cancellationToken);
        ReturnBuffer();
        await _file.FlushAsync(cancellationToken);
        _file.Position = 0;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
