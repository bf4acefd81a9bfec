using System.Globalization;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using K8sWebhookHandler.Testing.Redis;
using Xunit.Abstractions;

namespace K8sWebhookHandler.EndToEnd.Tests.Durability;

/// <summary>
/// Nothing acknowledged is lost and nothing runs twice, whatever is killed: 500 signed deliveries over 20
/// repositories while silos, the Api, the all-in-one process and Redis die by SIGKILL and come back.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Secret = "durability-secret";
    private const int Events = 500;
    private const int Repositories = 20;
    private readonly TempDirectory _directory = new("durability");
    private GitServer _git = null!;
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync()
    {
        _git = await GitServer.StartAsync();
        _emulator = await KubeApiEmulatorServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _git.DisposeAsync();
        _directory.Dispose();
    }

    private Dictionary<string, string> Common() => new()
    {
        ["KUBECONFIG"] = _emulator.WriteKubeconfig(_directory.Combine("kubeconfig")),
        ["Handler__CloneUrl"] = "GitUrl",
        ["Handler__Git__AllowedRemotes__0"] = _git.GitRoot.ToString(),
        ["Handler__RetryDelay"] = "00:00:00.200",
        ["Handler__MaxRetryDelay"] = "00:00:02",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task ClusterMode_TwoSilosApiAndRedisKilledAtRandom_LoseNothingAndRunNothingTwice()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        var cluster = ClusterProcesses.Settings(Common(), redis);
        // Generous: on a busy machine a live silo must not miss probes and be declared dead. A killed silo comes back on
        // the same endpoint, and its new incarnation retires the old one without waiting for probes to fail.
        cluster["Orleans__Membership__ProbeTimeout"] = "00:00:10";
        cluster["Orleans__Membership__NumMissedProbesLimit"] = "3";
        cluster["Orleans__Messaging__ResponseTimeout"] = "00:00:10";
        var silos = new List<HandlerProcess>();
        for (var i = 0; i < 2; i++)
        {
            silos.Add(await ClusterProcesses.StartSiloAsync(cluster));
        }

        await using var api = await ClusterProcesses.StartApiAsync(cluster, Secret);
        try
        {
            var run = new ChaosRun(_git, _emulator, Secret, output);
            var deliveries = await run.PrepareAsync(Events, Repositories, "cluster");
            Killable[] targets =
            [
                new("silo-1", silos[0].KillAsync, silos[0].RestartAsync),
                new("silo-2", silos[1].KillAsync, silos[1].RestartAsync),
                new("api", api.KillAsync, api.RestartAsync),
                new("redis", redis.KillAsync, redis.RestartAsync),
            ];

            var report = await run.RunAsync(api, deliveries, targets, kills: 6, seed: 20261128);

            AssertNothingLostAndNothingRunTwice(report);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task LocalMode_AllInOneProcessKilledAtRandom_LosesNothingAndRunsNothingTwice()
    {
        await using var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>(Common()) { ["WEBHOOK_SECRET"] = Secret });
        var run = new ChaosRun(_git, _emulator, Secret, output);
        var deliveries = await run.PrepareAsync(Events, Repositories, "local");

        var report = await run.RunAsync(handler, deliveries, [new("all-in-one", handler.KillAsync, handler.RestartAsync)], kills: 5, seed: 1128);

        AssertNothingLostAndNothingRunTwice(report);
    }

    [Fact]
    public async Task LocalMode_KilledWhileSixteenSendersShareGroupCommits_LosesNothingAndRunsNothingTwice()
    {
        await using var handler = await HandlerProcess.StartAsync(new Dictionary<string, string>(Common()) { ["WEBHOOK_SECRET"] = Secret });
        var run = new ChaosRun(_git, _emulator, Secret, output);
        var deliveries = await run.PrepareAsync(Events, Repositories, "grouped");

        // Sixteen deliveries in flight at once keep the journal's writer committing groups: the kills land mid-group.
        var report = await run.RunAsync(handler, deliveries, [new("all-in-one", handler.KillAsync, handler.RestartAsync)], kills: 5, seed: 1129, senders: 16);

        AssertNothingLostAndNothingRunTwice(report);
    }

    /// <summary>
    /// Every delivery acknowledged, applied and made into one Workflow. Exactly once, counted in the requests the API
    /// server received: one successful create per delivery; work done again only because a process died — a create
    /// repeated after a kill and answered 409 AlreadyExists, or a read after a kill that found the object.
    /// </summary>
    private static void AssertNothingLostAndNothingRunTwice(ChaosReport report)
    {
        Assert.Equal(Events, report.Acknowledged);
        Assert.Equal(0, report.Lost);
        Assert.Equal(Events, report.Applied);
        Assert.Equal(Events, report.Workflows);
        Assert.Equal(Events, report.Writes.WrittenOnce);
        Assert.Empty(report.Writes.UnexplainedRepeats);
        Assert.Empty(report.Writes.UnexplainedRechecks);
    }
}
