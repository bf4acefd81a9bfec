using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>
/// The handler's recovery API on its management listener, as an operator's script reads it: <c>GET /api/recovery</c>
/// (the hooks reconciled and the runs), and <c>POST /api/recovery/runs</c> (a run now).
/// </summary>
public sealed class RecoveryApi(HttpClient management)
{
    public async Task<JsonObject> GetAsync()
    {
        using var response = await management.GetAsync("/api/recovery");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/recovery answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The hooks <c>GET /api/recovery</c> lists, as (kind, hook id, repository or null).</summary>
    public static IReadOnlyList<(string Kind, long HookId, string? Repository)> Hooks(JsonObject recovery) =>
        recovery["hooks"]!.AsArray()
            .Select(h => (h!["kind"]!.GetValue<string>(), h["hookId"]!.GetValue<long>(), h["repository"]?.GetValue<string>()))
            .Order()
            .ToArray();

    /// <summary>
    /// Waits until the reconciler lists every one of <paramref name="expected"/>: a hook is learned from a delivery in the
    /// background, after the delivery was answered.
    /// </summary>
    public async Task WaitForHooksAsync(IEnumerable<(string Kind, long HookId, string? Repository)> expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonObject recovery;
        while (!expected.All(Hooks(recovery = await GetAsync()).Contains))
        {
            Assert.True(waited.Elapsed < RecoveryFixture.SafetyNet, $"the reconciler did not list the hooks {string.Join(", ", expected)}: {recovery.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>
    /// A run that started after this call, once it has finished. A run under way (at start-up, on schedule) is joined
    /// rather than started again, and may have listed GitHub's record before what the caller waited for happened: then
    /// its end is waited for and a run asked for again, until the one answered is the operator's own. A run taking
    /// longer than the API waits is answered 202 as it stands, and its end waited for here.
    /// </summary>
    public async Task<JsonObject> RunAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await management.PostAsync("/api/recovery/runs", null);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 200 or 202, $"POST /api/recovery/runs answered {(int)response.StatusCode}: {text}");
            var run = JsonNode.Parse(text)!.AsObject();
            if ((int)response.StatusCode == 202)
            {
                run = await FinishedAsync(run["startedAt"]!.GetValue<string>(), RecoveryFixture.SafetyNet - waited.Elapsed);
            }

            if (run["trigger"]!.GetValue<string>() == "operator")
            {
                return run;
            }
        }
    }

    /// <summary>The run that started at <paramref name="startedAt"/>, once it is listed as finished.</summary>
    private async Task<JsonObject> FinishedAsync(string startedAt, TimeSpan safetyNet)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var recovery = await GetAsync();
            var run = recovery["runs"]!.AsArray().SingleOrDefault(r => r!["startedAt"]!.GetValue<string>() == startedAt);
            if (run?["finishedAt"] is not null)
            {
                return run.AsObject();
            }

            Assert.True(waited.Elapsed < safetyNet, $"the run started at {startedAt} did not finish within the safety net: {recovery.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
