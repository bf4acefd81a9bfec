using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// What every intake scenario shares: the secret, a kubeconfig for the API emulator, whether the run is quick, and
/// the signed push to repository <c>r</c> with sequence number <c>i</c> (its ref matches <see cref="IgnoreRefs"/>).
/// </summary>
public sealed record BenchmarkSetup(string Secret, string Kubeconfig, bool Quick, Func<int, int, SignedDelivery> SignedPush)
{
    /// <summary>
    /// <c>Handler:IgnoreRefs</c> for every push sent: each is recorded `ignored` on arrival with its delivery id, so the
    /// figures are about intake and durable storage, not the drain loop.
    /// </summary>
    public const string IgnoreRefs = "^refs/heads/bench-";

    /// <summary>The first sequence number of the warm-up pushes, far from any measured range: no warm-up push repeats a measured one.</summary>
    private const int WarmUpSequence = 50_000_000;

    /// <summary>
    /// What is on disk before each 202 in local all-in-one mode: the repository's change appended to the journal
    /// (one SQLite database, WAL, <c>synchronous=FULL</c>), group-committed with the changes of all repositories, up to
    /// 256 appends per transaction and fsync. Say it again when the grain's storage changes.
    /// </summary>
    public const string LocalDurability = "fsync per group-committed batch (SQLite journal, up to 256 appends a batch)";

    /// <summary>The handler's settings, as an operator would give them: local all-in-one mode unless more are added.</summary>
    public Dictionary<string, string> HandlerSettings() => new()
    {
        ["WEBHOOK_SECRET"] = Secret,
        ["KUBECONFIG"] = Kubeconfig,
        ["Handler__IgnoreRefs"] = IgnoreRefs,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public Task<HandlerProcess> StartHandlerAsync() => HandlerProcess.StartAsync(HandlerSettings());

    /// <summary>The ceiling and a fresh handler in local all-in-one mode, warmed up on 20 repositories outside any measured range.</summary>
    public async Task<IntakeTargets> StartLocalAsync()
    {
        var targets = await IntakeTargets.StartAsync(Secret, await StartHandlerAsync());
        await targets.WarmUpAsync(Pushes(WarmUpSequence, 3_000, i => i % 20));
        return targets;
    }

    /// <summary>Pushes <paramref name="first"/>, <paramref name="first"/>+1, … to the repository a function of the sequence names.</summary>
    public SignedDelivery[] Pushes(int first, int count, Func<int, int> repository) =>
        Enumerable.Range(first, count).Select(i => SignedPush(repository(i), i)).ToArray();
}
