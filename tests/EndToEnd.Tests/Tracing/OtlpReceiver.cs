using System.Net;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests.Tracing;

/// <summary>
/// A collector as small as a test needs: OTLP over HTTP with protobuf on a loopback port, accepting <c>POST /v1/traces</c>
/// and keeping every span it is sent. A test awaits the spans it expects.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<OtlpSpan> _spans = [];
    private readonly List<(Func<IReadOnlyList<OtlpSpan>, bool> Condition, TaskCompletionSource Met)> _waiters = [];
    private readonly Task _serving;

    private OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>What <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set to.</summary>
    public Uri Endpoint { get; }

    public static OtlpReceiver Start() => new(Loopback.FreePort());

    public IReadOnlyList<OtlpSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>The spans received once <paramref name="condition"/> holds for them; fails with what arrived after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> condition, TimeSpan timeout)
    {
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_spans)
        {
            _waiters.Add((condition, met));
            Check();
        }

        try
        {
            await met.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the spans awaited did not arrive within {timeout}; received: {string.Join(", ", Spans.Select(s => $"{s.Name} {s.TraceId}"))}");
        }

        return Spans;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Receive(context.Request.Url?.AbsolutePath ?? "", body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private void Receive(string path, byte[] body)
    {
        lock (_spans)
        {
            // Metrics or logs, should a host export them too, are not this receiver's concern.
            if (path == "/v1/traces")
            {
                _spans.AddRange(OtlpSpan.Read(body));
                Check();
            }
        }
    }

    private void Check()
    {
        foreach (var waiter in _waiters.Where(w => w.Condition(_spans)).ToList())
        {
            _waiters.Remove(waiter);
            waiter.Met.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }
}
