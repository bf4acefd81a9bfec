using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// One HTTP/1.1 keep-alive connection over a plain socket: it writes a request that was built beforehand and reads
/// the answer's status line, its headers up to the blank line, and its body by <c>Content-Length</c> or chunked
/// framing, which it skips. Nothing else is parsed, so the client costs little of the cores it shares with the server.
/// </summary>
public sealed class HttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private HttpConnection(Socket socket) => _socket = socket;

    /// <summary>Whether the server said <c>Connection: close</c> or the exchange failed: the connection must not be used again.</summary>
    public bool Closed { get; private set; }

    public static async Task<HttpConnection> OpenAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new HttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The request line, headers and body of one POST, as bytes ready to be written.</summary>
    public static byte[] Request(string host, string path, IEnumerable<(string Name, string Value)> headers, byte[] body)
    {
        var head = new StringBuilder().Append("POST ").Append(path).Append(" HTTP/1.1\r\nHost: ").Append(host).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <summary>Writes <paramref name="request"/> and reads the whole answer; returns its status code.</summary>
    public async Task<int> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            while (!request.IsEmpty)
            {
                request = request[await _socket.SendAsync(request, SocketFlags.None, cancellationToken)..];
            }

            var headEnd = await FindAsync(HeaderEnd, cancellationToken);
            var (status, length, chunked) = ParseHead(_buffer.AsSpan(_start, headEnd - _start));
            _start = headEnd + HeaderEnd.Length;
            if (chunked)
            {
                await SkipChunksAsync(cancellationToken);
            }
            else
            {
                await SkipAsync(length, cancellationToken);
            }

            return status;
        }
        catch
        {
            Closed = true;
            throw;
        }
    }

    public void Dispose() => _socket.Dispose();

    private (int Status, long Length, bool Chunked) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 202 Accepted": the code is the three digits after the first space.
        var status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        long length = 0;
        var chunked = false;
        foreach (var range in head.Split(LineEnd))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                length = long.Parse(Encoding.ASCII.GetString(value), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                Closed = true;
            }
        }

        return (status, length, chunked);
    }

    /// <summary>Chunks are <c>SIZE[;ext]\r\n DATA \r\n</c>, ended by a zero size, optional trailers and a blank line.</summary>
    private async Task SkipChunksAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lineEnd = await FindAsync(LineEnd, cancellationToken);
            var line = _buffer.AsSpan(_start, lineEnd - _start);
            var extension = line.IndexOf((byte)';');
            var size = Convert.ToInt64(Encoding.ASCII.GetString(extension < 0 ? line : line[..extension]).Trim(), 16);
            _start = lineEnd + LineEnd.Length;
            if (size == 0)
            {
                break;
            }

            await SkipAsync(size + LineEnd.Length, cancellationToken);
        }

        // Trailers, if any, then the blank line.
        int end;
        while ((end = await FindAsync(LineEnd, cancellationToken)) != _start)
        {
            _start = end + LineEnd.Length;
        }

        _start = end + LineEnd.Length;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var taken = (int)Math.Min(count, _end - _start);
            _start += taken;
            count -= taken;
        }
    }

    /// <summary>The index in the buffer where <paramref name="marker"/> next begins, reading more as needed.</summary>
    private async Task<int> FindAsync(byte[] marker, CancellationToken cancellationToken)
    {
        var searched = _start;
        while (true)
        {
            var found = _buffer.AsSpan(searched, _end - searched).IndexOf(marker);
            if (found >= 0)
            {
                return searched + found;
            }

            searched = Math.Max(_start, _end - marker.Length + 1);
            var offset = _start;
            await FillAsync(cancellationToken);
            searched -= offset - _start;
        }
    }

    /// <summary>Reads more bytes after those not yet consumed, first moving those to the front of the buffer.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException($"an answer's head or chunk line is longer than {_buffer.Length} bytes");
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("the server closed the connection in the middle of an answer");
        }

        _end += read;
    }
}
