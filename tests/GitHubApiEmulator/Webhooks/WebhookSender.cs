using System.Net.Http.Headers;
using System.Text;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.GitHubApiEmulator.Webhooks;

/// <summary>One delivery as sent: what, where, and what the receiver answered (0 if it could not be reached).</summary>
public sealed record SentDelivery(string DeliveryId, long HookId, string Event, Uri Target, string Body, int StatusCode, DateTimeOffset SentAt);

/// <summary>
/// Acts as GitHub's webhook sender: posts one delivery to a URL with GitHub's headers (<c>X-GitHub-Event</c>,
/// <c>X-GitHub-Delivery</c>, <c>X-GitHub-Hook-ID</c>, <c>X-Hub-Signature-256</c> = HMAC-SHA256 of the body,
/// <c>User-Agent: GitHub-Hookshot/...</c>) and keeps what it sent: the record the hook-deliveries endpoints
/// (<c>apps/list-webhook-deliveries</c>, <c>repos/list-webhook-deliveries</c>, redelivery) will list when they are added.
/// Posts only to loopback addresses.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly Lock _gate = new();
    private readonly List<SentDelivery> _sent = [];

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

    /// <summary>Signs <paramref name="payload"/> with <paramref name="secret"/> and posts it to <paramref name="target"/>.</summary>
    public async Task<SentDelivery> SendAsync(Uri target, string secret, string eventName, string payload,
        long hookId = 1, string? deliveryId = null, CancellationToken cancellationToken = default)
    {
        if (!target.IsLoopback)
        {
            throw new ArgumentException($"the emulator delivers only to loopback addresses, not {target.Host}", nameof(target));
        }

        deliveryId ??= Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "GitHub-Hookshot/emulator");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-GitHub-Hook-ID", hookId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Hub-Signature-256", WebhookClient.Sign(secret, body));
        int status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = 0;
        }

        var sent = new SentDelivery(deliveryId, hookId, eventName, target, payload, status, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            _sent.Add(sent);
        }

        return sent;
    }

    public void Dispose() => _http.Dispose();
}
