using System.Text.Json;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Reporting;
using Octokit;
using static K8sWebhookHandler.Grains.Tests.Integration.GitHub.ReporterWorld;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>With a token: each outcome lands as the commit status GitHub shows, and reads back as sent.</summary>
public sealed class CommitStatusReporterTests
{
    [Theory]
    [InlineData(ReportOutcome.Running, "running", "pending")]
    [InlineData(ReportOutcome.Succeeded, "succeeded", "success")]
    [InlineData(ReportOutcome.Failed, "step build failed: exit code 2", "failure")]
    [InlineData(ReportOutcome.Errored, "pod deleted", "error")]
    [InlineData(ReportOutcome.Superseded, "superseded by 1a2b3c4", "error")]
    [InlineData(ReportOutcome.Refused, "kind Deployment is not allowed", "error")]
    public async Task Outcome_LandsAsTheCommitStatusGitHubShows_AndReadsBackAsMatching(ReportOutcome outcome, string description, string state)
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        var report = Report(outcome, description);

        var answered = await reporter.SendAsync(report, null, CancellationToken.None);
        var shown = await reporter.ReadAsync(report, CancellationToken.None);

        Assert.Null(answered);
        var stored = Assert.Single(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha));
        Assert.Equal((state, description, Context, WorkflowUrl, "octocat"), (stored.State, stored.Description, stored.Context, stored.TargetUrl, stored.Creator.Login));
        var read = Assert.Single(await world.Client(CredentialsWorld.PersonalToken).Repository.Status.GetAll(CredentialsWorld.Owner, CredentialsWorld.Repo, CredentialsWorld.Sha));
        Assert.Equal((state, description, Context, WorkflowUrl), (read.State.StringValue, read.Description, read.Context, read.TargetUrl));
        Assert.Equal(new ShownReport(true, null), shown);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task NoTargetUrl_SendsNoTargetUrlField()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());

        await reporter.SendAsync(Report(ReportOutcome.Running, targetUrl: null), null, CancellationToken.None);

        var sent = Assert.Single(world.ReportRequests());
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal(["state", "description", "context"], body.RootElement.EnumerateObject().Select(p => p.Name).Order().Reverse().ToArray());
        Assert.Null(Assert.Single(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha)).TargetUrl);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task LongDescription_IsShortenedTo140Characters_WithoutSplittingASurrogatePair_AndReadsBackAsMatching()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        var description = new string('x', 138) + "\U0001F680 and the rest of a long reason";
        var report = Report(ReportOutcome.Refused, description);

        await reporter.SendAsync(report, null, CancellationToken.None);
        var shown = await reporter.ReadAsync(report, CancellationToken.None);

        Assert.Equal(new string('x', 138) + "…", Assert.Single(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha)).Description);
        Assert.Equal(new ShownReport(true, null), shown);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ReadAsync_NewestStatusOfTheContextOnALaterPage_IsFoundAndCompared()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        await reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None);
        await reporter.SendAsync(Report(ReportOutcome.Succeeded, "succeeded"), null, CancellationToken.None);
        var octocat = world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha)[0].Creator;
        for (var i = 0; i < CommitReporter.PageSize + 20; i++)
        {
            world.Emulator.Statuses.Add(Key.Value, CredentialsWorld.Sha, "success", null, "ok", $"other/{i}", octocat, world.Time.GetUtcNow());
        }

        var succeeded = await reporter.ReadAsync(Report(ReportOutcome.Succeeded, "succeeded"), CancellationToken.None);
        var running = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);

        Assert.Equal((new ShownReport(true, null), new ShownReport(false, null)), (succeeded, running));
        Assert.Equal(["1", "2", "1", "2"], world.ReportRequests().Where(r => r.Method == "GET").Select(r => r.QueryValue("page")));
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ReadAsync_ContextWithNoStatus_IsNull()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        await reporter.SendAsync(Report(ReportOutcome.Running, context: "someone-else/ci"), null, CancellationToken.None);

        var shown = await reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None);

        Assert.Null(shown);
        world.AssertNoViolations();
    }
}
