using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests.Inspection;

/// <summary>Reads the handler's inspection API as an operator's script would: status and JSON body.</summary>
public sealed class InspectionApi(HttpClient http)
{
    /// <summary>A safety net for the index to catch up with one-way announcements; nothing is asserted about speed.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    public async Task<(int Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text.Length == 0 ? "null" : text) ?? JsonValue.Create("")!);
    }

    /// <summary>The body of a 200 answer; fails saying what was answered instead.</summary>
    public async Task<JsonNode> OkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == 200, $"GET {path} answered {status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>
    /// The items of <c>GET /api/repositories</c> (one page of 200) for these repositories, once each has the expected
    /// counts: the repositories announce themselves one-way, so the index is asked again until it agrees.
    /// </summary>
    public async Task<IReadOnlyList<JsonNode>> ListedAsync(IReadOnlyDictionary<string, string> countsByRepository)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonNode[] ours;
        do
        {
            var page = await OkAsync("/api/repositories?limit=200");
            ours = page["items"]!.AsArray().Where(i => countsByRepository.ContainsKey(i!["repository"]!.GetValue<string>())).ToArray()!;
            if (ours.Length == countsByRepository.Count && ours.All(i => JsonNode.DeepEquals(i["counts"], JsonNode.Parse(countsByRepository[i["repository"]!.GetValue<string>()]))))
            {
                return ours;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        while (waited.Elapsed < SafetyNet);

        Assert.Fail($"the index listed {string.Join(", ", ours.Select(i => i.ToJsonString()))}; expected {string.Join(", ", countsByRepository)}");
        return ours;
    }

    /// <summary>The delivery ids of a page of deliveries, in the order answered.</summary>
    public static string[] Deliveries(JsonNode page) => page["items"]!.AsArray().Select(i => i!["delivery"]!.GetValue<string>()).ToArray();
}
