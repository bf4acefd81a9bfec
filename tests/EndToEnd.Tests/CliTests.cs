using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Cli;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary><c>k8swh</c> as its own process against the running handler's management API, as an operator uses it.</summary>
public sealed class CliTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    private Task<CommandResult> K8swhAsync(params string[] arguments) => fixture.K8swhAsync(arguments);

    [Fact]
    public async Task ShowOfAnAppliedPush_PrintsItsRecord_AsATableAndAsTheApisJson()
    {
        var (repo, delivery, record) = await fixture.AppliedPushAsync();
        var workflow = record["objects"]![0]!;

        var table = await K8swhAsync("show", repo, delivery);
        var json = await K8swhAsync("show", repo, delivery, "--output", "json");

        Assert.Equal((0, ""), (table.ExitCode, table.StandardError));
        Assert.StartsWith($"Delivery:   {delivery}\nEvent:      push\nRef:        refs/heads/main\nRevision:   {record["revision"]}\n", table.StandardOutput);
        Assert.Contains("State:      applied\nAttempts:   1\n", table.StandardOutput);
        Assert.Contains($"Objects:\n  Workflow {workflow["namespace"]}/{workflow["name"]}\n", table.StandardOutput);
        Assert.Equal((0, ""), (json.ExitCode, json.StandardError));
        Assert.True(JsonNode.DeepEquals(record, JsonNode.Parse(json.StandardOutput)), json.StandardOutput);
    }

    [Fact]
    public async Task RetryOfAnAppliedPush_QueuesItAgain_AndShowWaitsForItsNewOutcome()
    {
        var (repo, delivery, _) = await fixture.AppliedPushAsync();

        var retry = await K8swhAsync("retry", repo, delivery);
        var again = await OutcomeThroughCliAsync(repo, delivery);

        Assert.Equal((0, ""), (retry.ExitCode, retry.StandardError));
        Assert.StartsWith($"queued again as rerun 1\nDelivery:   {delivery}\n", retry.StandardOutput);
        Assert.Contains("State:      queued\n", retry.StandardOutput);
        Assert.Equal(("applied", 1), (again["state"]!.GetValue<string>(), again["rerun"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ShowOfAnUnknownDelivery_Exits1_WithTheProblemOnOneLine_AndNeverTheToken()
    {
        var result = await fixture.K8swhAsync(["show", "e2e/never-pushed", "never-sent"], token: "cli-test-token");

        Assert.Equal((1, ""), (result.ExitCode, result.StandardOutput));
        Assert.StartsWith("k8swh: 404 ", result.StandardError);
        Assert.Contains(": no delivery never-sent recorded for e2e/never-pushed", result.StandardError);
        Assert.Equal([""], result.StandardError.Split('\n')[1..]);
    }

    [Fact]
    public async Task NothingListeningAtTheUrl_Exits3_SayingWhereItLooked()
    {
        var url = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/");

        var result = await CliProcess.RunAsync(url, ["show", "e2e/any", "any"]);

        Assert.Equal((3, ""), (result.ExitCode, result.StandardOutput));
        Assert.StartsWith($"k8swh: cannot reach {url}: Connection refused", result.StandardError);
    }

    /// <summary>Asks with <c>show --wait 25 --output json</c> until the delivery is no longer queued, within the usual safety net.</summary>
    private async Task<JsonObject> OutcomeThroughCliAsync(string repository, string delivery)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var show = await K8swhAsync("show", repository, delivery, "--wait", "25", "--output", "json");
            Assert.True(show.ExitCode == 0, show.StandardError);
            var record = JsonNode.Parse(show.StandardOutput)!.AsObject();
            if (record["state"]!.GetValue<string>() != "queued" || waited.Elapsed > WebhookClient.OutcomeDeadline)
            {
                return record;
            }
        }
    }
}
