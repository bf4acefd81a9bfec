using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Reporting;
using Octokit;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What each outcome becomes on GitHub, and how a description is shortened to GitHub's limits.</summary>
public sealed class ReportShapesTests
{
    [Theory]
    [InlineData(ReportOutcome.Running, CommitState.Pending, CheckStatus.InProgress, null)]
    [InlineData(ReportOutcome.Succeeded, CommitState.Success, CheckStatus.Completed, CheckConclusion.Success)]
    [InlineData(ReportOutcome.Failed, CommitState.Failure, CheckStatus.Completed, CheckConclusion.Failure)]
    [InlineData(ReportOutcome.Errored, CommitState.Error, CheckStatus.Completed, CheckConclusion.Failure)]
    [InlineData(ReportOutcome.Superseded, CommitState.Error, CheckStatus.Completed, CheckConclusion.Cancelled)]
    [InlineData(ReportOutcome.Refused, CommitState.Error, CheckStatus.Completed, CheckConclusion.Failure)]
    [InlineData(ReportOutcome.Waiting, CommitState.Pending, CheckStatus.Queued, null)]
    public void Outcome_MapsAsTheTableSays(ReportOutcome outcome, CommitState state, CheckStatus status, CheckConclusion? conclusion)
    {
        Assert.Equal(state, ReportShapes.State(outcome));
        Assert.Equal((status, conclusion), ReportShapes.Check(outcome));
    }

    [Fact]
    public void EveryOutcome_HasAMapping()
    {
        Assert.Equal([ReportOutcome.Running, ReportOutcome.Waiting], Enum.GetValues<ReportOutcome>().Where(o => ReportShapes.Check(o).Conclusion is null));
        Assert.Equal([ReportOutcome.Running, ReportOutcome.Waiting], Enum.GetValues<ReportOutcome>().Where(o => ReportShapes.State(o) == CommitState.Pending));
    }

    [Theory]
    [InlineData(140, 140)]
    [InlineData(139, 139)]
    public void TextWithinTheLimit_IsUnchanged(int length, int expected)
    {
        Assert.Equal(new string('a', expected), ReportShapes.Shorten(new string('a', length), 140));
    }

    [Fact]
    public void TextOverTheLimit_IsCutAndEndedWithAnEllipsis_WithinTheLimit()
    {
        var shortened = ReportShapes.Shorten(new string('a', 141), 140);

        Assert.Equal(new string('a', 139) + "…", shortened);
        Assert.Equal(140, shortened.Length);
    }

    [Fact]
    public void SurrogatePairAcrossTheCut_IsDroppedWhole()
    {
        var text = new string('a', 138) + "\U0001F680" + "tail";

        Assert.Equal(new string('a', 138) + "…", ReportShapes.Shorten(text, 140));
    }

    [Fact]
    public void CombiningMarkAfterTheCut_TakesItsBaseLetterAlong()
    {
        var text = new string('a', 138) + "e\u0301" + "tail";

        Assert.Equal(new string('a', 138) + "…", ReportShapes.Shorten(text, 140));
    }

    [Fact]
    public void Status_CarriesTheShortenedDescription_ContextAsGiven_AndNoTargetUrlWhenNone()
    {
        var report = new CommitReport(RepositoryKey.Parse("octo/hello"), "abc", "Ci/Build", ReportOutcome.Failed, new string('x', 200), null, null);

        var status = ReportShapes.NewStatus(report);

        Assert.Equal((CommitState.Failure, new string('x', 139) + "…", "Ci/Build", (string?)null), (status.State, status.Description, status.Context, status.TargetUrl));
    }

    [Fact]
    public void CheckRun_HasTheContextAsName_AndTheWholeDescriptionAsSummary()
    {
        var report = new CommitReport(RepositoryKey.Parse("octo/hello"), "abc", "ci/build", ReportOutcome.Superseded, new string('x', 200), "https://argo/x", 7);

        var run = ReportShapes.NewCheckRun(report);

        Assert.Equal(("ci/build", "abc", "https://argo/x", "completed", "cancelled"), (run.Name, run.HeadSha, run.DetailsUrl, run.Status!.Value.StringValue, run.Conclusion!.Value.StringValue));
        Assert.Equal((new string('x', 139) + "…", new string('x', 200)), (run.Output.Title, run.Output.Summary));
        Assert.Null(run.ExternalId);
    }
}
