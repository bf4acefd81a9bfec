using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;
using static K8sWebhookHandler.Grains.Tests.Integration.GitHub.ReporterWorld;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>With a GitHub App: each outcome lands as the check run GitHub shows, updated in place, and reads back with its id.</summary>
public sealed class CheckRunReporterTests
{
    [Theory]
    [InlineData(ReportOutcome.Running, "running", "in_progress", null)]
    [InlineData(ReportOutcome.Succeeded, "succeeded", "completed", "success")]
    [InlineData(ReportOutcome.Failed, "step build failed: exit code 2", "completed", "failure")]
    [InlineData(ReportOutcome.Errored, "pod deleted", "completed", "failure")]
    [InlineData(ReportOutcome.Superseded, "superseded by 1a2b3c4", "completed", "cancelled")]
    [InlineData(ReportOutcome.Refused, "kind Deployment is not allowed", "completed", "failure")]
    public async Task Outcome_LandsAsTheCheckRunGitHubShows_AndReadsBackWithItsId(ReportOutcome outcome, string description, string status, string? conclusion)
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        var report = Report(outcome, description);

        var id = await reporter.SendAsync(report, null, CancellationToken.None);
        var shown = await reporter.ReadAsync(report, CancellationToken.None);

        var stored = world.Emulator.CheckRuns.Get(id!.Value)!;
        Assert.Equal((Context, CredentialsWorld.Sha, status, conclusion, WorkflowUrl, CredentialsWorld.AppId),
            (stored.Name, stored.HeadSha, stored.Status, stored.Conclusion, stored.DetailsUrl, stored.AppId));
        Assert.Equal((description, description), (stored.Output.Title, stored.Output.Summary));
        var token = world.Emulator.Credentials.Issued.Single().Token;
        var read = await world.Client(token).Check.Run.Get(CredentialsWorld.Owner, CredentialsWorld.Repo, id.Value);
        Assert.Equal((Context, status, conclusion, WorkflowUrl, description), (read.Name, read.Status.StringValue, read.Conclusion?.StringValue, read.DetailsUrl, read.Output.Summary));
        Assert.Equal(new ShownReport(true, id), shown);
        Assert.Equal(["installation:7001"], world.ReportRequests().Select(r => r.Identity!.ToString()).Distinct());
        world.AssertNoViolations();
    }

    [Fact]
    public async Task RunningThenSucceeded_UpdatesTheSameCheckRun()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());

        var created = await reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None);
        var running = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);
        var updated = await reporter.SendAsync(Report(ReportOutcome.Succeeded, "succeeded"), created, CancellationToken.None);
        var succeeded = await reporter.ReadAsync(Report(ReportOutcome.Succeeded, "succeeded"), CancellationToken.None);
        var staleRunning = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);

        Assert.Equal(created, updated);
        var run = Assert.Single(world.Emulator.CheckRuns.ForSha(Key.Value, CredentialsWorld.Sha));
        Assert.Equal(("completed", "success", "succeeded"), (run.Status, run.Conclusion, run.Output.Summary));
        Assert.Equal((new ShownReport(true, created), new ShownReport(true, created), new ShownReport(false, created)), (running, succeeded, staleRunning));
        Assert.Equal(["POST", "GET", "PATCH", "GET", "GET"], world.ReportRequests().Select(r => r.Method));
        Assert.Equal((Context, "latest"), (world.ReportRequests()[1].QueryValue("check_name"), world.ReportRequests()[1].QueryValue("filter")));
        world.AssertNoViolations();
    }

    [Fact]
    public async Task RefusedWithALongReason_HasTheShortenedReasonAsTitle_AndTheWholeReasonAsSummary()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        var reason = "the manifest .ci/workflow.yaml is refused: " + string.Join(", ", Enumerable.Range(1, 40).Select(i => $"object {i} is of a kind not allowed"));
        var report = Report(ReportOutcome.Refused, reason);

        var id = await reporter.SendAsync(report, null, CancellationToken.None);
        var shown = await reporter.ReadAsync(report, CancellationToken.None);

        var run = world.Emulator.CheckRuns.Get(id!.Value)!;
        Assert.Equal((reason[..139] + "…", reason, "failure"), (run.Output.Title, run.Output.Summary, run.Conclusion));
        Assert.Equal(new ShownReport(true, id), shown);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ReadAsync_NoCheckRunOfTheContext_IsNull()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        await reporter.SendAsync(Report(ReportOutcome.Running, context: "k8s-webhook-handler/other"), null, CancellationToken.None);

        var shown = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);

        Assert.Null(shown);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ReadAsync_CheckRunOfTheSameNameByAnotherApp_IsNotOurs()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        world.Emulator.Catalog.RegisterApp(99, otherKey, "other-ci");
        var theirs = world.Emulator.CheckRuns.Add(new GitHubApiEmulator.State.CheckRun(0, Key.Value, CredentialsWorld.Sha, Context, "in_progress", null,
            world.Time.GetUtcNow(), null, null, null, new GitHubApiEmulator.State.CheckRunOutput("running", "running", null), 99, 0));

        var before = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);
        var ours = await reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None);
        var after = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);

        Assert.Null(before);
        Assert.NotEqual(theirs.Id, ours);
        Assert.Equal(new ShownReport(true, ours), after);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task App_AndAReportWithoutInstallation_IsRefusedSayingSo_WithoutARequest()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => reporter.SendAsync(Report(ReportOutcome.Running, installation: null), null, CancellationToken.None));

        Assert.Equal(
            $"Check runs on {Key}@{CredentialsWorld.Sha} are reported as GitHub App 424242 with the token of the installation the event came from, and the event named none (installation.id): deliver the App's webhook events, or report commit statuses with a token (Handler:GitHub:Token, without Handler:GitHub:AppId).",
            refused.Message);
        Assert.Empty(world.Emulator.Requests.Snapshot());
    }
}
