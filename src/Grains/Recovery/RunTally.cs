using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>What a run has counted so far, shown through <c>progress</c> as it changes.</summary>
internal sealed class RunTally(RecoveryRun started, Action<RecoveryRun> progress)
{
    private readonly List<string> _deliveries = [];
    private readonly List<string> _errors = [];
    private int _listed;
    private int _failed;

    public int Requested { get; private set; }

    public int AlreadyRecorded { get; set; }

    public bool Capped { get; set; }

    public bool HasErrors => _errors.Count > 0;

    public void Found(int listed, int failed)
    {
        (_listed, _failed) = (_listed + listed, _failed + failed);
        progress(Current(RecoveryOutcome.Running, null));
    }

    public void Asked(string guid)
    {
        Requested++;
        if (_deliveries.Count < RecoveryRun.MaxDeliveriesKept)
        {
            _deliveries.Add(guid);
        }

        progress(Current(RecoveryOutcome.Running, null));
    }

    public void Error(string error)
    {
        _errors.Add(error.Length > 500 ? error[..500] : error);
        progress(Current(RecoveryOutcome.Running, null));
    }

    public RecoveryRun Finish(RecoveryOutcome outcome, DateTimeOffset at, string? error = null)
    {
        if (error is not null)
        {
            Error(error);
        }

        var run = Current(outcome, at);
        progress(run);
        return run;
    }

    private RecoveryRun Current(RecoveryOutcome outcome, DateTimeOffset? finishedAt) => started with
    {
        Outcome = outcome, FinishedAt = finishedAt, Listed = _listed, Failed = _failed, AlreadyRecorded = AlreadyRecorded,
        Requested = Requested, Deliveries = [.. _deliveries], Errors = _errors.Count == 0 ? null : [.. _errors],
    };
}
