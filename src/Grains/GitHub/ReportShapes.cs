using System.Globalization;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Reporting;
using Octokit;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>
/// What a <see cref="CommitReport"/> becomes on GitHub, as <see cref="ReportOutcome"/>'s table says: a commit status
/// (state, description shortened to <see cref="StatusDescriptionLimit"/>, context, target URL when there is one) or a
/// check run (name = context, head SHA, details URL, status and conclusion, output title = the status description and
/// summary = the description up to <see cref="SummaryLimit"/>); and whether what GitHub shows is that report.
/// </summary>
public static class ReportShapes
{
    /// <summary>GitHub refuses a commit status whose description is longer (422 "description is too long").</summary>
    public const int StatusDescriptionLimit = 140;

    /// <summary>The OpenAPI description's <c>maxLength</c> of a check run's <c>output.summary</c>.</summary>
    public const int SummaryLimit = 65535;

    private const string Ellipsis = "…";

    /// <summary>The commit status state of an outcome.</summary>
    public static CommitState State(ReportOutcome outcome) => outcome switch
    {
        ReportOutcome.Running or ReportOutcome.Waiting => CommitState.Pending,
        ReportOutcome.Succeeded => CommitState.Success,
        ReportOutcome.Failed => CommitState.Failure,
        ReportOutcome.Errored or ReportOutcome.Superseded or ReportOutcome.Refused => CommitState.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not a report outcome"),
    };

    /// <summary>The check run status and conclusion of an outcome: <c>queued</c> or <c>in_progress</c> without one, else <c>completed</c>.</summary>
    public static (CheckStatus Status, CheckConclusion? Conclusion) Check(ReportOutcome outcome) => outcome switch
    {
        ReportOutcome.Running => (CheckStatus.InProgress, null),
        ReportOutcome.Waiting => (CheckStatus.Queued, null),
        ReportOutcome.Succeeded => (CheckStatus.Completed, CheckConclusion.Success),
        ReportOutcome.Failed or ReportOutcome.Errored or ReportOutcome.Refused => (CheckStatus.Completed, CheckConclusion.Failure),
        ReportOutcome.Superseded => (CheckStatus.Completed, CheckConclusion.Cancelled),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "not a report outcome"),
    };

    /// <summary>
    /// <paramref name="text"/> if it has at most <paramref name="limit"/> UTF-16 characters; else cut at a text element
    /// boundary (never inside a surrogate pair or before a combining mark) and ended with "…", within the limit.
    /// </summary>
    public static string Shorten(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (next > limit - Ellipsis.Length)
            {
                break;
            }

            end = next;
        }

        return string.Concat(text.AsSpan(0, end), Ellipsis);
    }

    /// <summary>The description a commit status carries, and a check run's output title.</summary>
    public static string StatusDescription(CommitReport report) => Shorten(report.Description, StatusDescriptionLimit);

    /// <summary>A check run's output summary.</summary>
    public static string Summary(CommitReport report) => Shorten(report.Description, SummaryLimit);

    public static NewCommitStatus NewStatus(CommitReport report) => new()
    {
        State = State(report.Outcome),
        Description = StatusDescription(report),
        Context = report.Context,
        TargetUrl = report.TargetUrl,
    };

    public static NewCheckRun NewCheckRun(CommitReport report)
    {
        var (status, conclusion) = Check(report.Outcome);
        return new NewCheckRun(report.Context, report.Sha)
        {
            Status = status,
            Conclusion = Conclusion(conclusion),
            DetailsUrl = report.TargetUrl,
            Output = Output(report),
        };
    }

    public static CheckRunUpdate CheckRunUpdate(CommitReport report)
    {
        var (status, conclusion) = Check(report.Outcome);
        return new CheckRunUpdate
        {
            Status = status,
            Conclusion = Conclusion(conclusion),
            DetailsUrl = report.TargetUrl,
            Output = Output(report),
        };
    }

    /// <summary>Whether <paramref name="shown"/>, the newest status of the report's context, is the report: state and description as sent.</summary>
    public static bool Matches(CommitStatus shown, CommitReport report) =>
        shown.State.StringValue == new StringEnum<CommitState>(State(report.Outcome)).StringValue
        && (shown.Description ?? "") == StatusDescription(report);

    /// <summary>Whether <paramref name="shown"/>, the check run of the report's context, is the report: status, conclusion and summary.</summary>
    public static bool Matches(CheckRun shown, CommitReport report)
    {
        var (status, conclusion) = Check(report.Outcome);
        return shown.Status.StringValue == new StringEnum<CheckStatus>(status).StringValue
            && shown.Conclusion?.StringValue == Conclusion(conclusion)?.StringValue
            && shown.Output?.Summary == Summary(report);
    }

    private static StringEnum<CheckConclusion>? Conclusion(CheckConclusion? conclusion) =>
        conclusion is { } c ? new StringEnum<CheckConclusion>(c) : default(StringEnum<CheckConclusion>?);

    private static NewCheckRunOutput Output(CommitReport report) => new(StatusDescription(report), Summary(report));
}
