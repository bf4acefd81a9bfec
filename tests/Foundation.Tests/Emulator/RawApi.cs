using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>Plain HTTP against the emulator, for asserting the exact status code and Status body.</summary>
public sealed class RawApi(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri };

    public async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!, response);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        var (status, json, _) = await SendAsync(HttpMethod.Post, path, body.ToJsonString());
        return (status, json);
    }

    public void Dispose() => _http.Dispose();

    public static JsonObject ConfigMap(string name, JsonObject? labels = null, JsonObject? annotations = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels, ["annotations"] = annotations },
        ["data"] = new JsonObject { ["key"] = "value" },
    };

    public static JsonObject Workflow(string? name = null, string? generateName = null, JsonObject? labels = null) => new()
    {
        ["apiVersion"] = "argoproj.io/v1alpha1",
        ["kind"] = "Workflow",
        ["metadata"] = new JsonObject { ["name"] = name, ["generateName"] = generateName, ["labels"] = labels },
        ["spec"] = new JsonObject { ["entrypoint"] = "main", ["templates"] = new JsonArray(new JsonObject { ["name"] = "main" }) },
    };
}
