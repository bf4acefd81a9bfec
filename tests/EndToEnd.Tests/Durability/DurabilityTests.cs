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
        var cluster = Common();
        cluster["Handler__Cluster__RedisConnectionString"] = redis.ConnectionString;
        cluster["Orleans__Membership__ProbeTimeout"] = "00:00:01";
        cluster["Orleans__Membership__NumMissedProbesLimit"] = "2";
        cluster["Orleans__Membership__NumVotesForDeathDeclaration"] = "1";
        cluster["Orleans__Messaging__ResponseTimeout"] = "00:00:10";
        var silos = new List<HandlerProcess>();
        for (var i = 0; i < 2; i++)
        {
            silos.Add(await HandlerProcess.StartAsync(new Dictionary<string, string>(cluster)
            {
                ["Handler__Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Handler__Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Handler__Cluster__AdvertisedAddress"] = "127.0.0.1",
            }, HandlerComponent.Silo));
        }

        await using var api = await HandlerProcess.StartAsync(new Dictionary<string, string>(cluster)
        {
            ["Handler__Mode"] = "Cluster",
            ["WEBHOOK_SECRET"] = Secret,
        });
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

            var report = await run.RunAsync(api.BaseUri, deliveries, targets, kills: 6, seed: 20261128);

            Assert.Equal(Events, report.Acknowledged);
            Assert.Equal(0, report.Lost);
            Assert.Equal(0, report.Duplicated);
            Assert.Equal(Events, report.Applied);
            Assert.Equal(Events, report.Workflows);
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

        var report = await run.RunAsync(handler.BaseUri, deliveries, [new("all-in-one", handler.KillAsync, handler.RestartAsync)], kills: 5, seed: 1128);

        Assert.Equal(Events, report.Acknowledged);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(Events, report.Applied);
        Assert.Equal(Events, report.Workflows);
    }
}
