using System.Buffers;
using System.Text;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>One line of a watch stream: its text, or that it was longer than the cap and skipped.</summary>
public readonly record struct WatchLine(string? Text, bool Oversized);

/// <summary>
/// Reads a watch stream's newline-separated events with a cap on a line's length, so that a hostile or broken
/// answer cannot make the handler buffer without bound: a longer line is skipped to its end and reported as
/// <see cref="WatchLine.Oversized"/>. A last line without its newline (the connection ended mid-event) is dropped.
/// </summary>
public sealed class WatchLineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;
    private bool _oversized;

    /// <summary>The next line, or null at the end of the stream.</summary>
    public async Task<WatchLine?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end)
            {
                _end = await stream.ReadAsync(_chunk, cancellationToken);
                _start = 0;
                if (_end == 0)
                {
                    return null;
                }
            }

            var newline = Array.IndexOf(_chunk, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            Append(_chunk.AsSpan(_start, stop - _start));
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                return Take();
            }
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_oversized || _line.WrittenCount + bytes.Length > maxLineBytes)
        {
            // Past the cap the rest of the line is only skipped, never held.
            _oversized = true;
            _line.Clear();
            return;
        }

        _line.Write(bytes);
    }

    private WatchLine Take()
    {
        var line = _oversized ? new WatchLine(null, true) : new WatchLine(Encoding.UTF8.GetString(_line.WrittenSpan).TrimEnd('\r'), false);
        _line.Clear();
        _oversized = false;
        return line;
    }
}
