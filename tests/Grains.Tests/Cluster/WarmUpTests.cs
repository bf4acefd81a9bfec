using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.Hosting.WarmUp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A journal that remembers each append it passes on: to which stream, how many entries, whether with a snapshot.</summary>
public sealed class RecordingJournal(IJournalStore inner) : IJournalStore
{
    private readonly ConcurrentQueue<(string Stream, int Entries, bool Snapshot, bool Pending)> _appends = new();

    public IReadOnlyList<(string Stream, int Entries, bool Snapshot, bool Pending)> Appends => _appends.ToArray();

    public Task<JournalRead> ReadAsync(string stream, CancellationToken cancellationToken) => inner.ReadAsync(stream, cancellationToken);

    public Task AppendAsync(JournalAppend append, CancellationToken cancellationToken)
    {
        _appends.Enqueue((append.Stream, append.Entries.Count, append.Snapshot is not null, append.Pending));
        return inner.AppendAsync(append, cancellationToken);
    }
}

/// <summary>A cluster whose journal records what is appended and can be taken down and brought back.</summary>
public sealed class WarmUpClusterFixture() : ClusterFixture(new DeliveryOptions())
{
    public RecordingJournal Recorded { get; private set; } = null!;

    public SwitchableJournal Storage { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // The silo makes its journal when a grain first needs it: a probe makes it now.
        await Grains.GetGrain<IStorageProbeGrain>("readiness").Probe();
    }

    protected override IJournalStore CreateJournal(IServiceProvider services, string directory) =>
        Storage = new SwitchableJournal(Recorded = new RecordingJournal(base.CreateJournal(services, directory)));
}

/// <summary>
/// The warm-up before <c>/readyz</c> says ready: not ready while a step runs or after one failed (with the reason), ready
/// once every step has passed, the process live throughout; and the grain step leaves nothing stored.
/// </summary>
public sealed class WarmUpTests(WarmUpClusterFixture fixture) : IClassFixture<WarmUpClusterFixture>
{
    [Fact]
    public async Task StepStillRunning_IsNotReadyNamingTheStep_AndReadyOnceEveryStepPassed()
    {
        var gate = new TaskCompletionSource();
        var gated = new ScriptedStep("gated", (_, _) => gate.Task);
        await using var host = await WarmUpHost.StartAsync(fixture.Cluster.Client, services => services.AddSingleton<IWarmUpStep>(gated).AddWarmUpStep<GrainWarmUp>());

        await gated.Started(1).WaitAsync(ClusterFixture.Wait);
        var during = await host.ReadinessAsync();
        gate.SetResult();
        await host.Progress.Completed.WaitAsync(ClusterFixture.Wait);
        var after = await host.ReadinessAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy", "warming up: gated (step 1 of 2)"), during);
        Assert.Equal((HttpStatusCode.OK, "Healthy", "warmed up: gated, grains"), after);
    }

    [Fact]
    public async Task StepFails_ReadinessSaysWhy_TheStepIsTriedAgain_AndTheProcessStaysLive()
    {
        var release = new TaskCompletionSource();
        var flaky = new ScriptedStep("flaky", (attempt, _) => attempt == 1 ? throw new WarmUpException("the sample went missing") : release.Task);
        await using var host = await WarmUpHost.StartAsync(fixture.Cluster.Client, services => services.AddSingleton<IWarmUpStep>(flaky));

        await flaky.Started(2).WaitAsync(ClusterFixture.Wait);
        var during = await host.ReadinessAsync();
        var live = await host.LivenessAsync();
        var stopping = host.Lifetime.ApplicationStopping.IsCancellationRequested;
        release.SetResult();
        await host.Progress.Completed.WaitAsync(ClusterFixture.Wait);
        var after = await host.ReadinessAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy", "warming up: flaky (step 1 of 1), attempt 2; attempt 1 failed: the sample went missing"), during);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.False(stopping);
        Assert.Equal((HttpStatusCode.OK, "Healthy", "warmed up: flaky"), after);
    }

    [Fact]
    public async Task GrainStorageDown_WarmUpSaysWhyNotReady_AndPassesOnceStorageIsBack()
    {
        var release = new TaskCompletionSource();
        var grains = new ScriptedStep("grains", async (attempt, cancellationToken) =>
        {
            if (attempt == 2)
            {
                await release.Task;
            }

            await NewGrainWarmUp().RunAsync(cancellationToken);
        });
        fixture.Storage.Down = true;
        try
        {
            await using var host = await WarmUpHost.StartAsync(fixture.Cluster.Client, services => services.AddSingleton<IWarmUpStep>(grains));
            await grains.Started(2).WaitAsync(ClusterFixture.Wait);
            var during = await host.ReadinessAsync();
            fixture.Storage.Down = false;
            release.SetResult();
            await host.Progress.Completed.WaitAsync(ClusterFixture.Wait);
            var after = await host.ReadinessAsync();

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy", "warming up: grains (step 1 of 1), attempt 2; attempt 1 failed: the storage server is unreachable"), during);
            Assert.Equal((HttpStatusCode.OK, "Healthy", "warmed up: grains"), after);
        }
        finally
        {
            fixture.Storage.Down = false;
        }
    }

    [Fact]
    public async Task GrainWarmUp_LeavesItsJournalOneSnapshot_RemovesItsReminder_AndWritesNoRepository()
    {
        var before = fixture.Recorded.Appends.Count;

        await NewGrainWarmUp().RunAsync(CancellationToken.None);

        var probe = GrainId.Create("storageprobe", GrainWarmUp.ProbeKey);
        var journal = await fixture.Recorded.ReadAsync(probe.ToString(), CancellationToken.None);
        var reminders = await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>().ReadRows(probe);
        var sample = await fixture.Grain(WarmUpSamples.Repository).Inspect();
        Assert.Equal([(probe.ToString(), 1, false, false), (probe.ToString(), 0, true, false)], fixture.Recorded.Appends.Skip(before));
        Assert.Equal((0, true), (journal.Entries.Count, journal.Snapshot is not null));
        Assert.Empty(reminders.Reminders);
        Assert.Equal((0, 0, 0), (sample.Pending, sample.Deliveries.Count, sample.Refs.Count));
    }

    private GrainWarmUp NewGrainWarmUp() =>
        new(fixture.Grains, fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>(), TimeProvider.System);

    /// <summary>A step a test drives: each attempt is announced (<see cref="Started"/>), then does what the test scripted for it.</summary>
    private sealed class ScriptedStep(string name, Func<int, CancellationToken, Task> attempt) : IWarmUpStep
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _started = new();
        private int _attempts;

        public string Name => name;

        public Task Started(int number) => Announcement(number).Task;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref _attempts);
            Announcement(number).TrySetResult();
            await attempt(number, cancellationToken);
        }

        private TaskCompletionSource Announcement(int number) =>
            _started.GetOrAdd(number, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>The health endpoints as the handler maps them, with the warm-up and the steps a test adds, over the test's cluster.</summary>
    private sealed class WarmUpHost(WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public WarmUpProgress Progress => app.Services.GetRequiredService<WarmUpProgress>();

        public IHostApplicationLifetime Lifetime => app.Lifetime;

        public static async Task<WarmUpHost> StartAsync(IClusterClient cluster, Action<IServiceCollection> addSteps)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton<IGrainFactory>(cluster).AddSingleton(cluster.ServiceProvider.GetRequiredService<Serializer>());
            builder.Services.AddWarmUp();
            addSteps(builder.Services);
            var app = builder.Build();
            app.MapHealthEndpoints();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new WarmUpHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
        }

        /// <summary>The answer of <c>/readyz</c>: its status, and the warm-up check's status and description.</summary>
        public async Task<(HttpStatusCode Status, string? WarmUp, string? Description)> ReadinessAsync()
        {
            using var response = await client.GetAsync("/readyz");
            var check = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]![WarmUpServiceCollectionExtensions.CheckName];
            return (response.StatusCode, check?["status"]?.GetValue<string>(), check?["description"]?.GetValue<string>());
        }

        public async Task<HttpStatusCode> LivenessAsync()
        {
            using var response = await client.GetAsync("/healthz");
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.DisposeAsync();
        }
    }
}
