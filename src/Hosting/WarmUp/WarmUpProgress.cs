namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// Where the warm-up is, for readiness: not started, a step running (with the last failure of that step, if it
/// failed), a step failed and waiting to be tried again, or complete. Written by <see cref="WarmUpService"/> alone.
/// </summary>
public sealed class WarmUpProgress
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string _description = "warming up: waiting for the host to start";

    /// <summary>Completes once every step has passed; never faults.</summary>
    public Task Completed => _completed.Task;

    /// <summary>Whether every step has passed.</summary>
    public bool IsComplete => _completed.Task.IsCompleted;

    /// <summary>What readiness says about the warm-up now, e.g. <c>warming up: grains (step 2 of 3)</c>.</summary>
    public string Description => _description;

    internal void Running(int index, int count, IWarmUpStep step, int attempt, string? lastFailure) =>
        _description = $"warming up: {step.Name} (step {index + 1} of {count})"
            + (lastFailure is null ? "" : $", attempt {attempt}; attempt {attempt - 1} failed: {lastFailure}");

    internal void Failed(IWarmUpStep step, int attempt, string failure, TimeSpan retryIn) =>
        _description = $"warm-up step {step.Name} failed (attempt {attempt}): {failure}; trying again in {retryIn.TotalSeconds:0} s";

    internal void Complete(IReadOnlyList<IWarmUpStep> steps)
    {
        _description = $"warmed up: {string.Join(", ", steps.Select(s => s.Name))}";
        _completed.TrySetResult();
    }
}
