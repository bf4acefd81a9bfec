using System.Globalization;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.GitHub.Tests.Support;

/// <summary>One webhook as a receiver got it.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"no {name} header among {string.Join(", ", Headers.Keys)}");
}

/// <summary>
/// A small loopback webhook receiver in place of the handler: keeps every post to <c>/webhook</c> and answers
/// <see cref="Answer"/> with the body <c>received</c>, or, while <see cref="Hold"/> is set, not until it completes.
/// Tests wait on what it received by a condition, checked again at each arrival.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL a hook delivers to.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The status every post is answered with.</summary>
    public int Answer { get; set; } = StatusCodes.Status202Accepted;

    /// <summary>When set, posts are kept and answered only once it completes: a receiver slower than GitHub's limit.</summary>
    public Task? Hold { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>A URL on a loopback port nobody listens on: a receiver that is down.</summary>
    public static Uri Down() => new($"http://127.0.0.1:{Loopback.FreePort().ToString(CultureInfo.InvariantCulture)}/webhook");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/webhook", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.Single() + "/webhook");
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what was received; fails with it in the message after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (condition(_received))
                {
                    return;
                }

                arrived = _arrived.Task;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(arrived, Task.Delay(left)) != arrived)
            {
                throw new TimeoutException($"not received within {timeout.TotalSeconds:0} s; received: {string.Join(" | ", Received.Select(r => r.Body))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var received = new ReceivedWebhook(headers, await reader.ReadToEndAsync());
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _received.Add(received);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        if (Hold is { } hold)
        {
            await hold;
        }

        return Results.Text("received", statusCode: Answer);
    }
}
