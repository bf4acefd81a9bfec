using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// Reporting to GitHub: reports are queued in the journal with the change that causes them and sent one at a time, in
/// order, by a loop on an interleaving timer. A report is marked sent only once GitHub accepted it; the first report
/// sent by an activation, and any after a failure whose answer was lost, is first read back from GitHub, so that a
/// crash between sending and recording sends nothing twice.
/// </summary>
public sealed partial class RepositoryGrain
{
    /// <summary>Observations of Workflows whose delivery is not recorded yet, kept in memory until it is.</summary>
    private const int MaxEarlyObservations = 256;

    private readonly Dictionary<string, WorkflowObservation> _early = [];
    private IGrainTimer? _reportTimer;
    private bool _reportLoopRuns;

    // After activation the head report may have reached GitHub without its answer being recorded.
    private bool _readBackFirst = true;

    /// <summary>The adapter that talks to GitHub; null when no token or App is configured and nothing is reported.</summary>
    private ICommitReporter? Reporter => ServiceProvider.GetService<ICommitReporter>();

    public async Task ObserveWorkflow(WorkflowObservation observation)
    {
        if (Reporter is null || observation.Repository.Value != Repository)
        {
            return;
        }

        await Journal.EnsureCertainAsync();
        switch (Inbox.Observe(observation))
        {
            case Observed.Unknown when _early.Count < MaxEarlyObservations:
                _early[Inbox.Key(observation.Object)] = observation;
                return;
            case Observed.Queued:
                // The reminder before the report is durable: if this silo dies after the write, it wakes the grain elsewhere.
                await EnsureReminderAsync();
                await SaveAsync();
                ScheduleReports(TimeSpan.Zero);
                return;
        }
    }

    /// <summary>Queues what a completed delivery tells GitHub, and what the watch saw of its Workflows before.</summary>
    private void QueueReports(WebhookEvent e, ProcessingResult result, DeliveryRecord outcome)
    {
        if (Reporter is null)
        {
            return;
        }

        Inbox.QueueReports(e, result, outcome, ServiceProvider.GetService<IWorkflowLinks>() ?? NoLinks.Instance);
        foreach (var made in result.Reported)
        {
            if (_early.Remove(Inbox.Key(made.Object), out var seen))
            {
                Inbox.Observe(seen);
            }
        }
    }

    private void ScheduleReports(TimeSpan delay, bool fromLoop = false)
    {
        if (Reporter is null || (_reportLoopRuns && !fromLoop))
        {
            return;
        }

        _reportTimer?.Dispose();
        _reportTimer = this.RegisterGrainTimer(SendReportsAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private async Task SendReportsAsync(CancellationToken cancellationToken)
    {
        if (_reportLoopRuns || Reporter is not { } reporter)
        {
            return;
        }

        _reportLoopRuns = true;
        try
        {
            await Journal.EnsureCertainAsync();
            while (!cancellationToken.IsCancellationRequested)
            {
                // Only what is durable is sent: a report still being written waits for the write.
                await Journal.SaveAsync();
                var (next, wait) = Inbox.NextReport();
                if (next is null)
                {
                    if (wait is { } delay)
                    {
                        ScheduleReports(delay, fromLoop: true);
                    }

                    break;
                }

                await SendAsync(reporter, next, cancellationToken);
                await SaveAsync();
            }
        }
        finally
        {
            _reportLoopRuns = false;
        }
    }

    private async Task SendAsync(ICommitReporter reporter, OutboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var checkRun = Inbox.CheckRunOf(entry);
            if (_readBackFirst)
            {
                var shown = await reporter.ReadAsync(entry.Report, cancellationToken);
                _readBackFirst = false;
                if (shown is { Matches: true })
                {
                    Inbox.ReportSent(entry, shown.CheckRun ?? checkRun);
                    return;
                }

                checkRun ??= shown?.CheckRun;
            }

            var made = await reporter.SendAsync(entry.Report, checkRun, cancellationToken);
            Inbox.ReportSent(entry, made ?? checkRun);
            LogReported(logger, Repository, entry.Report.Context, entry.Report.Sha, entry.Report.Outcome);
        }
        catch (DeliveryRefusedException refused)
        {
            LogReportRefused(logger, Repository, entry.Report.Context, entry.Report.Sha, refused.Message);
            Inbox.ReportRefused(entry, refused.Message);
        }
        catch (TransientException t)
        {
            // A rate limit means GitHub took nothing; any other failure may have lost the answer to a request it took.
            _readBackFirst |= t.NotBefore is null;
            Inbox.ReportFailed(entry, t.Message, t.NotBefore);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReportError(logger, ex, Repository, entry.Report.Context);
            _readBackFirst = true;
            Inbox.ReportFailed(entry, $"{ex.GetType().Name}: {ex.Message}", null);
        }
    }

    /// <summary>No link configured: reports carry none.</summary>
    private sealed class NoLinks : IWorkflowLinks
    {
        public static readonly NoLinks Instance = new();

        public string? For(AppliedObject workflow) => null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reported {Outcome} for {Context} on {Repository}@{Sha}")]
    private static partial void LogReported(ILogger logger, string repository, string context, string sha, ReportOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub refused the report for {Context} on {Repository}@{Sha}: {Reason}")]
    private static partial void LogReportRefused(ILogger logger, string repository, string context, string sha, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reporting {Context} of {Repository} failed unexpectedly")]
    private static partial void LogReportError(ILogger logger, Exception exception, string repository, string context);
}
