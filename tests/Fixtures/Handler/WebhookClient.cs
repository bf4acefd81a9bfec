using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Testing.Handler;

/// <summary>Sends webhooks as GitHub does: the raw body, its HMAC, the event and delivery headers.</summary>
public sealed class WebhookClient(Uri baseUri, string secret) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };

    public HttpClient Http => _http;

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

    /// <summary>The handler's record of a delivery once it is final (waiting up to 25 s), or null.</summary>
    public async Task<JsonObject?> OutcomeAsync(string repository, string delivery)
    {
        using var response = await _http.GetAsync($"/api/repositories/{repository}/deliveries/{delivery}?wait=25");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject() : null;
    }

    public void Dispose() => _http.Dispose();
}
