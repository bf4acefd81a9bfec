using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// An HTTP server on loopback that answers every request <c>307</c> to the same path and query at
/// <paramref name="target"/>, and records the <c>Authorization</c> header each request carried (null when none).
/// </summary>
internal sealed class RedirectingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly List<string?> _authorizations = [];

    public RedirectingServer(Uri target)
    {
        _target = target;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _serving = ServeAsync();
    }

    public Uri BaseUri { get; }

    public IReadOnlyList<string?> Authorizations
    {
        get
        {
            lock (_authorizations)
            {
                return [.. _authorizations];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            await using var stream = client.GetStream();
            var (target, authorization) = await ReadRequestAsync(stream, _stop.Token);
            lock (_authorizations)
            {
                _authorizations.Add(authorization);
            }

            var location = new Uri(_target, target.TrimStart('/'));
            var answer = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
        }
    }

    /// <summary>Reads the request line, headers and body; answers the request target and its Authorization header.</summary>
    private static async Task<(string Target, string? Authorization)> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var target = (await reader.ReadLineAsync(cancellationToken))!.Split(' ')[1];
        var (authorization, length) = ((string?)null, 0);
        for (var line = await reader.ReadLineAsync(cancellationToken); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(cancellationToken))
        {
            var (name, value) = (line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            authorization = name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? value : authorization;
            length = name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : length;
        }

        if (length > 0)
        {
            await reader.ReadBlockAsync(new char[length], cancellationToken);
        }

        return (target, authorization);
    }
}
