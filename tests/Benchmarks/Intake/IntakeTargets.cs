using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// The two things every intake row measures, each its own process: the ceiling and the handler (or, in cluster mode,
/// the Api), with one load generator for each. Disposing stops both.
/// </summary>
public sealed class IntakeTargets : IAsyncDisposable
{
    private readonly RunningProcess _ceilingProcess;

    private IntakeTargets(RunningProcess ceilingProcess, LoadGenerator ceiling, HandlerProcess handler)
    {
        _ceilingProcess = ceilingProcess;
        Ceiling = ceiling;
        Handler = handler;
        Intake = new LoadGenerator(handler.BaseUri);
    }

    public LoadGenerator Ceiling { get; }

    public LoadGenerator Intake { get; }

    public HandlerProcess Handler { get; }

    /// <summary>Starts the ceiling beside <paramref name="handler"/>, which these targets then own.</summary>
    public static async Task<IntakeTargets> StartAsync(string secret, HandlerProcess handler)
    {
        var (process, baseUri) = await CeilingServer.StartAsync(secret);
        return new IntakeTargets(process, new LoadGenerator(baseUri), handler);
    }

    /// <summary>
    /// The same bodies to both, unmeasured, twice (the second time under new delivery ids, so that the handler takes
    /// them as new again), each time until both processes are quiet again (<see cref="QuietProcess"/>), so that neither
    /// is measured cold or while it recompiles what the load made hot.
    /// </summary>
    public async Task WarmUpAsync(SignedDelivery[] bodies)
    {
        for (var round = 0; round < 2; round++, bodies = bodies.Select(b => b with { Id = Guid.NewGuid().ToString() }).ToArray())
        {
            await Ceiling.WarmUpAsync(bodies);
            await Intake.WarmUpAsync(bodies);
            await Task.WhenAll(QuietProcess.WaitAsync(_ceilingProcess.Id, SettleLimit), QuietProcess.WaitAsync(Handler.ProcessId, SettleLimit));
        }
    }

    /// <summary>The longest a warm-up waits for the processes to go quiet.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

    /// <summary>One load against the ceiling and then the handler (<see cref="SideBySide"/>).</summary>
    public Task<IntakeRow> CompareAsync(string load, string durability, Func<LoadGenerator, Task<LatencyStats>> run, string? note = null) =>
        SideBySide.RunAsync(load, durability, Ceiling, Intake, run, note);

    /// <summary>
    /// Checks the load generator against both targets before it measures anything: correctly signed pushes must
    /// each be counted as a 202, and the same pushes with a wrong signature each as a 401 error, not as throughput.
    /// </summary>
    public async Task<string> VerifyClientAsync(SignedDelivery[] pushes) =>
        $"{await VerifyAsync(Ceiling, pushes, "ceiling")}; {await VerifyAsync(Intake, pushes, "handler")}";

    public async ValueTask DisposeAsync()
    {
        await Handler.DisposeAsync();
        await _ceilingProcess.DisposeAsync();
    }

    private static async Task<string> VerifyAsync(LoadGenerator load, SignedDelivery[] pushes, string target)
    {
        var good = await load.ClosedLoopAsync(pushes.Select(p => p with { Id = Guid.NewGuid().ToString() }).ToArray(), 4);
        var forged = await load.ClosedLoopAsync(pushes.Select(p => p with { Id = Guid.NewGuid().ToString(), Signature = "sha256=" + new string('0', 64) }).ToArray(), 4);
        var expected = pushes.Length;
        if (good.Count != expected || good.ErrorCount != 0 || forged.Count != 0 || forged.Errors.GetValueOrDefault(401) != expected || forged.ErrorCount != expected)
        {
            throw new InvalidOperationException($"the load generator miscounted against the {target}: signed {good.Count} × 202, errors {good.ErrorSummary}; forged {forged.Count} × 202, errors {forged.ErrorSummary}");
        }

        return $"{target}: {expected} signed → {good.Count} × 202, {expected} forged → {forged.ErrorSummary}";
    }
}
