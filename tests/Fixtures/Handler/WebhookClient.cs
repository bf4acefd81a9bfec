using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Testing.Handler;

/// <summary>
/// Sends webhooks as GitHub does (the raw body, its HMAC, the event and delivery headers) to the public listener, and
/// reads the handler's records from its management listener (<paramref name="managementUri"/>, with
/// <paramref name="token"/> as a bearer token when given).
/// </summary>
public sealed class WebhookClient(Uri baseUri, string secret, Uri? managementUri = null, string? token = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    private readonly HttpClient _management = ManagementClient(managementUri ?? baseUri, token);

    /// <summary>A client of both of <paramref name="handler"/>'s listeners.</summary>
    public WebhookClient(HandlerProcess handler, string secret, string? token = null)
        : this(handler.BaseUri, secret, handler.ManagementUri, token)
    {
    }

    /// <summary>The public listener: the webhook and the health probes.</summary>
    public HttpClient Http => _http;

    /// <summary>The management listener: inspection and the rest, with the token when one was given.</summary>
    public HttpClient Management => _management;

    /// <summary>A client of a management listener, sending <paramref name="token"/> as a bearer token when given.</summary>
    public static HttpClient ManagementClient(Uri managementUri, string? token = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = managementUri, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Sends a signed delivery; <paramref name="headers"/> may override or, with a null value, remove any header.</summary>
    public async Task<(int Status, JsonObject Body)> SendAsync(string eventType, string delivery, byte[] body,
        string path = "/webhook", string contentType = "application/json", IReadOnlyDictionary<string, string?>? headers = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["X-GitHub-Event"] = eventType,
            ["X-GitHub-Delivery"] = delivery,
            ["X-Hub-Signature-256"] = Sign(secret, body),
            ["User-Agent"] = "GitHub-Hookshot/test",
        };
        foreach (var (key, value) in headers ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (key, value) in all.Where(h => h.Value is not null))
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : []);
    }

    public Task<(int Status, JsonObject Body)> SendAsync(string eventType, string delivery, JsonNode payload) =>
        SendAsync(eventType, delivery, Encoding.UTF8.GetBytes(payload.ToJsonString()));

    /// <summary>How long <see cref="OutcomeAsync"/> waits in all: a safety net, never a statement about speed.</summary>
    public static readonly TimeSpan OutcomeDeadline = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The handler's record of a delivery once it is final. Asks again (each ask waits up to the API's 25 s) until
    /// the state is no longer <c>queued</c>; fails with the delivery, the last state seen and the time waited when
    /// <paramref name="deadline"/> (default <see cref="OutcomeDeadline"/>) runs out, or when the handler has no record of it.
    /// </summary>
    public async Task<JsonObject> OutcomeAsync(string repository, string delivery, TimeSpan? deadline = null)
    {
        var limit = deadline ?? OutcomeDeadline;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonObject? last = null;
        do
        {
            last = await RecordAsync(repository, delivery, wait: 25)
                ?? throw new OutcomeNotReachedException($"the handler has no record of delivery {delivery} of {repository}");
            if (last["state"]?.GetValue<string>() != "queued")
            {
                return last;
            }
        }
        while (waited.Elapsed < limit);

        throw new OutcomeNotReachedException(
            $"delivery {delivery} of {repository} was still '{last["state"]}' after {waited.Elapsed.TotalSeconds:0} s (safety net {limit.TotalSeconds:0} s); last record: {last.ToJsonString()}");
    }

    /// <summary>The handler's current record of a delivery, or null when it has none; waits up to <paramref name="wait"/> seconds for it to be final.</summary>
    public async Task<JsonObject?> RecordAsync(string repository, string delivery, int wait = 0)
    {
        using var response = await _management.GetAsync($"/api/repositories/{repository}/deliveries/{delivery}?wait={wait}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!.AsObject()
            : throw new OutcomeNotReachedException($"asking for delivery {delivery} of {repository} was answered {(int)response.StatusCode}: {text}");
    }

    public void Dispose()
    {
        _http.Dispose();
        _management.Dispose();
    }
}

/// <summary>A delivery did not reach a final state, or the handler could not say, within the test's safety net.</summary>
public sealed class OutcomeNotReachedException(string message) : Exception(message);
