using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Cli;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

using static K8sWebhookHandler.EndToEnd.Tests.CliScenario;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary><c>k8swh repositories</c>, <c>deliveries</c>, <c>refs</c> and <c>recovery</c> as processes against the running handler.</summary>
public sealed class CliListTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    private Task<CommandResult> K8swhAsync(params string[] arguments) => fixture.K8swhAsync(arguments);

    [Fact]
    public async Task DeliveriesAndRefs_OfAnAppliedPush_ListItAsTablesAndJson()
    {
        var (repo, delivery, record) = await fixture.AppliedPushAsync();
        var (sha, workflow) = (record["revision"]!.GetValue<string>()[..7], record["objects"]![0]!["name"]!.GetValue<string>());

        var table = await K8swhAsync("deliveries", repo);
        var json = await K8swhAsync("deliveries", repo, "--output", "json", "--event", "push", "--ref", "refs/heads/main");
        var none = await K8swhAsync("deliveries", repo, "--state", "failed");
        var refs = await K8swhAsync("refs", repo);

        Assert.Equal((0, 0, 0, 0), (table.ExitCode, json.ExitCode, none.ExitCode, refs.ExitCode));
        Assert.Equal(["DELIVERY", "EVENT", "REF", "SHA", "STATE", "ATTEMPTS", "RECEIVED", "REASON"], Words(table.Lines()[0]));
        Assert.Equal([delivery, "push", "refs/heads/main", sha, "applied", "1"], Words(table.Lines()[1])[..6]);
        var item = Assert.Single(JsonNode.Parse(json.StandardOutput)!["items"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(record, item), json.StandardOutput);
        Assert.Equal("no deliveries\n", none.StandardOutput);
        Assert.Equal(["REF", "REVISION", "DELIVERY", "UPDATED", "WORKFLOWS"], Words(refs.Lines()[0]));
        Assert.Equal(["refs/heads/main", sha, delivery], Words(refs.Lines()[1])[..3]);
        Assert.EndsWith($"  {workflow}", refs.Lines()[1]);
    }

    [Fact]
    public async Task Repositories_ListTheRepositoryOfAnAppliedPush_WithItsCount()
    {
        var (repo, _, _) = await fixture.AppliedPushAsync();

        // The index hears of the outcome one-way, just after it is recorded: asked again until it shows.
        var line = await RepositoryLineAsync(repo, l => l.EndsWith("applied 1", StringComparison.Ordinal));
        var queued = await K8swhAsync("repositories", "--state", "queued", "--limit", "200", "--output", "json");

        Assert.Equal(repo, Words(line)[0]);
        Assert.Equal(0, queued.ExitCode);
        Assert.DoesNotContain(repo, queued.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_WithoutGitHubCredentials_SaysItIsOffAndWhy_AndRecoverIsRefusedWithTheReason()
    {
        var shown = await K8swhAsync("recovery");
        var json = await K8swhAsync("recovery", "--output", "json");
        var run = await K8swhAsync("recover");

        Assert.Equal(0, shown.ExitCode);
        Assert.Equal("Recovery: off: no GitHub token or App is configured", shown.Lines()[0]);
        Assert.Equal("Hooks:    none yet", shown.Lines()[1]);
        Assert.Equal("no runs yet", shown.Lines()[^1]);
        Assert.Equal(3, shown.Lines().Length);
        Assert.Equal((0, "no GitHub token or App is configured"), (json.ExitCode, JsonNode.Parse(json.StandardOutput)!["disabled"]!.GetValue<string>()));
        Assert.Equal((1, "", "k8swh: 409 Recovery off: Delivery recovery does not run: no GitHub token or App is configured.\n"),
            (run.ExitCode, run.StandardOutput, run.StandardError));
    }

    private async Task<string> RepositoryLineAsync(string repo, Func<string, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < WebhookClient.OutcomeDeadline)
        {
            var list = await K8swhAsync("repositories", "--limit", "200");
            Assert.True(list.ExitCode == 0, list.StandardError);
            last = list.StandardOutput;
            if (list.Lines().FirstOrDefault(l => l.StartsWith(repo + " ", StringComparison.Ordinal)) is { } line && done(line))
            {
                return line;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"{repo} was not listed as expected within {WebhookClient.OutcomeDeadline}; last list:\n{last}");
    }
}
