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

    /// <summary>
    /// A run that started after this call, once it has finished. When one is already running (202), waits for it to
    /// finish and asks again: that one may have listed GitHub's record before what the caller waited for happened.
    /// </summary>
    public async Task<JsonObject> RunAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await management.PostAsync("/api/recovery/runs", null);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode == 200)
            {
                return JsonNode.Parse(text)!.AsObject();
            }

            Assert.True((int)response.StatusCode == 202, $"POST /api/recovery/runs answered {(int)response.StatusCode}: {text}");
            await FinishedAsync(JsonNode.Parse(text)!["startedAt"]!.GetValue<string>(), RecoveryFixture.SafetyNet - waited.Elapsed);
        }
    }

    /// <summary>Waits until the run that started at <paramref name="startedAt"/> is listed as finished.</summary>
    private async Task FinishedAsync(string startedAt, TimeSpan safetyNet)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonObject recovery;
        while (!(recovery = await GetAsync())["runs"]!.AsArray().Any(r => r!["startedAt"]!.GetValue<string>() == startedAt && r["finishedAt"] is not null))
        {
            Assert.True(waited.Elapsed < safetyNet, $"the run started at {startedAt} did not finish within the safety net: {recovery.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
