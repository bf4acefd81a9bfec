using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// A loopback proxy in front of a <c>git daemon</c> that keeps what each client sent, so a test can read the
/// negotiation a fetch held: its wants, its haves, where it flushed and when it said done.
/// </summary>
internal sealed class UploadPackRecorder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _daemonPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task<byte[]>> _connections = [];
    private readonly Task _accepting;

    public UploadPackRecorder(int daemonPort)
    {
        _daemonPort = daemonPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>git://127.0.0.1:PORT/</c> of the proxy.</summary>
    public Uri GitRoot => new($"git://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>What the client sent on each connection so far, as pkt-lines: <c>flush</c> for <c>0000</c>, else the line.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> ConnectionsAsync(TimeSpan safetyNet)
    {
        Task<byte[]>[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        var sent = await Task.WhenAll(connections).WaitAsync(safetyNet);
        return [.. sent.Select(PacketLines)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped while accepting.
        }

        _stop.Dispose();
    }

    private static List<string> PacketLines(byte[] sent)
    {
        var lines = new List<string>();
        for (var at = 0; at + 4 <= sent.Length;)
        {
            var length = int.Parse(Encoding.ASCII.GetString(sent, at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            lines.Add(length == 0 ? "flush" : Encoding.ASCII.GetString(sent, at + 4, length - 4).TrimEnd('\n'));
            at += Math.Max(length, 4);
        }

        return lines;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_connections)
            {
                _connections.Add(RelayAsync(client));
            }
        }
    }

    /// <summary>Relays both ways until the client closes; the bytes it sent.</summary>
    private async Task<byte[]> RelayAsync(TcpClient client)
    {
        using (client)
        using (var daemon = new TcpClient())
        {
            await daemon.ConnectAsync(IPAddress.Loopback, _daemonPort, _stop.Token);
            using var recorded = new MemoryStream();
            var answers = daemon.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            var buffer = new byte[65536];
            try
            {
                int read;
                while ((read = await client.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
                {
                    recorded.Write(buffer, 0, read);
                    await daemon.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (IOException)
            {
                // The client reset the connection: what it sent until then is the record.
            }

            daemon.Client.Shutdown(SocketShutdown.Send);
            await Task.WhenAny(answers);
            return recorded.ToArray();
        }
    }
}
