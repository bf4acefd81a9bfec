using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.GitHubApiEmulator.Webhooks;

/// <summary>
/// One delivery as sent: what, where, and what the receiver answered (<see cref="StatusCode"/> 0 if it could not be
/// reached or did not answer in time), with <see cref="Status"/> in GitHub's words.
/// </summary>
public sealed record SentDelivery(string DeliveryId, long HookId, string Event, Uri Target, string Body, int StatusCode, DateTimeOffset SentAt)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary><c>OK</c>, <c>Invalid HTTP Response: NNN</c>, <c>failed to connect to host</c> or <c>timed out</c>.</summary>
    public string Status { get; init; } = "";

    public TimeSpan Duration { get; init; }

    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = None;

    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = None;

    public string? ResponseBody { get; init; }
}

/// <summary>
/// Acts as GitHub's webhook sender: posts one delivery to a URL with GitHub's headers (<c>X-GitHub-Event</c>,
/// <c>X-GitHub-Delivery</c>, <c>X-GitHub-Hook-ID</c>, <c>X-Hub-Signature-256</c> = HMAC-SHA256 of the body,
/// <c>User-Agent: GitHub-Hookshot/...</c>, and any the caller adds), gives up after GitHub's
/// <see cref="DefaultTimeout"/>, and keeps what it sent. <see cref="State.HookStore"/> sends through it and keeps each
/// hook's delivery log from it. Posts only to loopback addresses.
/// </summary>
public sealed class WebhookSender(TimeProvider? time = null) : IDisposable
{
    /// <summary>How long GitHub waits for a receiver's answer before it records the delivery as timed out.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly Lock _gate = new();
    private readonly List<SentDelivery> _sent = [];
    private long _timeoutTicks = DefaultTimeout.Ticks;

    /// <summary>How long a receiver may take to answer; GitHub's is 10 seconds, a test of the time-out makes it shorter.</summary>
    public TimeSpan Timeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _timeoutTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _timeoutTicks, value.Ticks);
        }
    }

    public IReadOnlyList<SentDelivery> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>
    /// Signs <paramref name="payload"/> with <paramref name="secret"/> and posts it to <paramref name="target"/>, with
    /// <paramref name="headers"/> besides GitHub's own. A receiver that is down or too slow is an outcome, not an error.
    /// </summary>
    public async Task<SentDelivery> SendAsync(Uri target, string secret, string eventName, string payload,
        long hookId = 1, string? deliveryId = null, IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        if (!target.IsLoopback)
        {
            throw new ArgumentException($"the emulator delivers only to loopback addresses, not {target.Host}", nameof(target));
        }

        deliveryId ??= Guid.NewGuid().ToString();
        var sentAt = _time.GetUtcNow();
        using var request = Request(target, secret, eventName, payload, hookId, deliveryId, headers);
        var requestHeaders = request.Headers.Concat(request.Content!.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value));
        var clock = Stopwatch.StartNew();
        var sent = await ExchangeAsync(request, cancellationToken) with
        {
            DeliveryId = deliveryId, HookId = hookId, Event = eventName, Target = target, Body = payload, SentAt = sentAt,
            Duration = clock.Elapsed, RequestHeaders = requestHeaders,
        };
        lock (_gate)
        {
            _sent.Add(sent);
        }

        return sent;
    }

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Request(Uri target, string secret, string eventName, string payload,
        long hookId, string deliveryId, IReadOnlyDictionary<string, string>? headers)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.TryAddWithoutValidation("User-Agent", "GitHub-Hookshot/emulator");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-GitHub-Hook-ID", hookId.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Add("X-Hub-Signature-256", WebhookClient.Sign(secret, body));
        return request;
    }

    /// <summary>The receiver's answer, or GitHub's words for having none; only the caller's own cancellation throws.</summary>
    private async Task<SentDelivery> ExchangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var none = new SentDelivery("", 0, "", request.RequestUri!, "", 0, default);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            using var response = await _http.SendAsync(request, limit.Token);
            var body = await response.Content.ReadAsStringAsync(limit.Token);
            var status = (int)response.StatusCode;
            return none with
            {
                StatusCode = status,
                Status = status is >= 200 and < 300 ? "OK" : $"Invalid HTTP Response: {status.ToString(CultureInfo.InvariantCulture)}",
                ResponseHeaders = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value)),
                ResponseBody = body,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return none with { Status = "timed out" };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return none with { Status = "failed to connect to host" };
        }
    }
}
