using System.Text.RegularExpressions;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests.Tracing;

/// <summary>The handler exporting its traces with OTLP/HTTP to a receiver of the test's.</summary>
public sealed class TracingFixture : HandlerFixture
{
    public OtlpReceiver Receiver { get; } = OtlpReceiver.Start();

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",

        // Exported every 100 ms rather than every 5 s: the test waits for the spans, not for the clock.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>One push is one trace, from the webhook request to the Kubernetes write, and its log lines carry its id.</summary>
public sealed partial class TracingTests(TracingFixture fixture) : IClassFixture<TracingFixture>
{
    private static readonly string[] StepNames = ["webhook receive", "delivery accept", "delivery process", "git fetch", "manifest read", "manifest stamp", "manifest plan"];

    /// <summary>The spans of the trace <paramref name="delivery"/>'s request started, once it has every step and a Kubernetes write.</summary>
    private static List<OtlpSpan>? TraceOf(IReadOnlyList<OtlpSpan> spans, string delivery)
    {
        var receive = spans.FirstOrDefault(s => s.Name == "webhook receive" && s["handler.delivery.id"] == delivery);
        var trace = spans.Where(s => s.TraceId == receive?.TraceId).ToList();
        var complete = StepNames.All(name => trace.Any(s => s.Name == name)) && trace.Any(s => s.Name == "kubernetes create");
        return complete ? trace : null;
    }

    [Fact]
    public async Task Push_IsOneTraceFromTheRequestThroughGitAndTheManifestToKubernetes()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var after = await repo.CommitFileAsync("main", "src/app.txt", "traced");
        var delivery = Guid.NewGuid().ToString();

        var (status, _) = await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", head, after));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        var spans = await fixture.Receiver.WaitForAsync(s => TraceOf(s, delivery) is not null, WebhookClient.OutcomeDeadline);

        Assert.Equal((202, "applied"), (status, outcome["state"]!.GetValue<string>()));
        var trace = TraceOf(spans, delivery)!;
        Assert.All(spans.Where(s => s["handler.delivery.id"] == delivery), s => Assert.Equal(trace[0].TraceId, s.TraceId));
        var receive = Assert.Single(trace, s => s.Name == "webhook receive");
        Assert.Equal((repo.FullName.ToLowerInvariant(), "push", "refs/heads/main", "queued", "202"),
            (receive["handler.repository"], receive["handler.event"], receive["handler.ref"], receive["handler.outcome"], receive["http.response.status_code"]));
        var process = Assert.Single(trace, s => s.Name == "delivery process");
        Assert.Equal((delivery, after, "applied", "1"), (process["handler.delivery.id"], process["handler.revision"], process["handler.outcome"], process["handler.attempt"]));
        var create = Assert.Single(trace, s => s.Name == "kubernetes create");
        Assert.Equal(("workflows", "201"), (create["k8s.resource"], create["http.response.status_code"]));
    }

    [Fact]
    public async Task Push_LogsItsIntakeAndItsProcessing_InTheDeliverysScope()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var after = await repo.CommitFileAsync("main", "src/app.txt", "scoped");
        var delivery = Guid.NewGuid().ToString();

        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", head, after));
        await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        // The console logger writes in the background: the entries may reach the output after the outcome is answered.
        await fixture.Handler.WaitForLogAsync(log => Entries(log, delivery).Any(e => e.Contains("RepositoryGrain", StringComparison.Ordinal)), WebhookClient.OutcomeDeadline);

        // The simple console formatter writes an entry's scopes on the line after its level and category.
        var scope = $"delivery {delivery} of {repo.FullName.ToLowerInvariant()}";
        var entries = Entries(fixture.Handler.Log, delivery);
        Assert.Contains(entries, e => e.Contains("RepositoryGrain", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("WebhookIntake", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Contains("=> " + scope, e, StringComparison.Ordinal));
    }

    private static List<string> Entries(string log, string delivery) =>
        Entry().Split(log).Where(e => e.Contains(delivery, StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"^(?=(?:trce|dbug|info|warn|fail|crit): )", RegexOptions.Multiline)]
    private static partial Regex Entry();
}
