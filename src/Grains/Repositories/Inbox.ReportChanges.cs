using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>How the outbox's changes change the state (see <see cref="Inbox.Apply"/>).</summary>
public sealed partial class Inbox
{
    private DeliveryRecord? ApplyReportQueued(ReportQueued change)
    {
        var (report, sequence) = (change.Report, State.NextReport++);
        State.Outbox.Add(new OutboxEntry(sequence, change.Delivery, change.Object, report, change.At, NotBefore: change.At));
        if (change.Object is { } key)
        {
            var checkRun = State.Reported.TryGetValue(key, out var was) ? was.CheckRun : null;
            State.Reported[key] = new ObjectReport(change.Delivery, report.Sha, report.Context, report.Installation, report.TargetUrl,
                report.Outcome, report.Description, change.ResourceVersion ?? was?.ResourceVersion, checkRun, change.Final);
        }

        var shown = new ReportRecord(sequence, report.Context, report.Sha, change.Object, report.Outcome, report.Description, change.At);
        return UpdateRecord(change.Delivery, r => r with { Reports = [.. (r.Reports ?? []).TakeLast(ReportsPerRecord - 1), shown] });
    }

    private DeliveryRecord? ApplyReportSent(ReportSent change)
    {
        if (TakeFromOutbox(change.Sequence) is not { } entry)
        {
            return null;
        }

        if (entry.Object is { } key && change.CheckRun is { } checkRun && State.Reported.TryGetValue(key, out var was))
        {
            State.Reported[key] = was with { CheckRun = checkRun };
        }

        return UpdateReport(entry, r => r with { SentAt = change.At, Error = null });
    }

    private DeliveryRecord? ApplyReportDeferred(ReportDeferred change)
    {
        var index = State.Outbox.FindIndex(e => e.Sequence == change.Sequence);
        if (index < 0)
        {
            return null;
        }

        State.Outbox[index] = State.Outbox[index] with { Attempts = change.Attempts, NotBefore = change.NotBefore, LastError = change.Reason };
        return UpdateReport(State.Outbox[index], r => r with { Error = change.Reason });
    }

    private DeliveryRecord? ApplyReportDropped(ReportDropped change) =>
        TakeFromOutbox(change.Sequence) is { } entry ? UpdateReport(entry, r => r with { Error = change.Reason }) : null;

    private OutboxEntry? TakeFromOutbox(long sequence)
    {
        var index = State.Outbox.FindIndex(e => e.Sequence == sequence);
        if (index < 0)
        {
            return null;
        }

        var entry = State.Outbox[index];
        State.Outbox.RemoveAt(index);
        return entry;
    }

    private DeliveryRecord? UpdateReport(OutboxEntry entry, Func<ReportRecord, ReportRecord> change) =>
        UpdateRecord(entry.Delivery, r => r.Reports is { } reports
            ? r with { Reports = reports.Select(p => p.Sequence == entry.Sequence ? change(p) : p).ToArray() }
            : r);

    /// <summary>A delivery's record is forgotten: so are the Workflows it reports on.</summary>
    private void ForgetReported(DeliveryId delivery)
    {
        if (State.Reported.Count == 0)
        {
            return;
        }

        foreach (var key in State.Reported.Where(r => r.Value.Delivery == delivery).Select(r => r.Key).ToArray())
        {
            State.Reported.Remove(key);
        }
    }
}
