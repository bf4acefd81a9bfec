using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>An in-process Orleans cluster whose repository grains use a scripted processor and file storage.</summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _storage = new("grain-storage");

    public ClusterFixture()
        : this(new DeliveryOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxAttempts = 3,
            MaxRefs = 40,
            IgnoreRefs = "^refs/heads/ignored/",
        })
    {
    }

    /// <param name="options">The repositories' delivery settings in every silo (superseding keeps its defaults).</param>
    /// <param name="clock">The repository grains' clock (Orleans itself keeps the system clock); the system clock when null.</param>
    protected ClusterFixture(DeliveryOptions options, TimeProvider? clock = null)
    {
        Options = options;
        Clock = clock ?? TimeProvider.System;
    }

    /// <summary>What the grains of every silo (and of every restart) record into <see cref="Telemetry.HandlerMetrics"/>.</summary>
    public Unit.MetricsRecorder Metrics { get; } = new();

    /// <summary>What the repository grains read the time from.</summary>
    public TimeProvider Clock { get; }

    public ScriptedProcessor Processor { get; } = new();

    public ScriptedGraph Graph { get; } = new();

    public DeliveryOptions Options { get; }

    /// <summary>How pull requests run and whom they trust, in every silo: the defaults unless a fixture sets them before starting.</summary>
    public PullRequestOptions PullRequests { get; init; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string StorageDirectory => _storage.Path;

    /// <summary>
    /// The repository's state as storage holds it, read from its journal the way an activation reads it (snapshot
    /// and changes replayed), not from the grain's memory.
    /// </summary>
    public async Task<RepositoryState> StoredStateAsync(string repository)
    {
        var services = ((InProcessSiloHandle)Cluster.Silos[0]).SiloHost.Services;
        var grain = Grain(repository).GetGrainId();
        var journal = new RepositoryJournal(grain.ToString(), services.GetRequiredService<IJournalStore>(), new LegacyState(null, grain), Options);
        await journal.ReadAsync();
        return journal.State;
    }

    /// <summary>A safety net for waiting on outcomes and signals; nothing is asserted about how long anything takes.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    /// <summary>One grain call's wait, well inside Orleans' response timeout; <see cref="OutcomeAsync"/> asks again until <see cref="Wait"/>.</summary>
    private static readonly TimeSpan OneAsk = TimeSpan.FromSeconds(10);

    public IRepositoryGrain Grain(string repository) => Grains.GetGrain<IRepositoryGrain>(repository);

    /// <summary>
    /// The delivery's record once it is final. Fails with the delivery, the last state seen and the time waited when it
    /// is not final within <see cref="Wait"/>, or when the repository has no record of it.
    /// </summary>
    public async Task<DeliveryRecord> OutcomeAsync(string repository, WebhookEvent e)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        DeliveryRecord? record;
        do
        {
            record = await Grain(repository).WaitForOutcome(e.Delivery, OneAsk);
            Assert.True(record is not null, $"{repository} has no record of delivery {e.Delivery}");
            if (record.IsFinal)
            {
                return record;
            }
        }
        while (waited.Elapsed < Wait);

        Assert.Fail($"delivery {e.Delivery} of {repository} was still {record.State} after {waited.Elapsed.TotalSeconds:0} s (attempts {record.Attempts}, reason: {record.Reason})");
        return record;
    }

    /// <summary>Completes once the processor has started on the delivery; fails saying which one when it has not within <see cref="Wait"/>.</summary>
    public async Task StartedAsync(WebhookEvent e)
    {
        try
        {
            await Processor.Started(e.Delivery.Value).WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"processing of delivery {e.Delivery} of {e.Repository.FullName} did not start within {Wait.TotalSeconds:0} s");
        }
    }

    public virtual Task InitializeAsync() => StartAsync();

    /// <summary>Starts a cluster over the same storage directory, as a restart would.</summary>
    public async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        ConfigureCluster(builder.Options);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IDeliveryProcessor>(Processor);
            silo.Services.AddSingleton<IRevisionGraph>(Graph);
            silo.Services.AddSingleton<SupersedeDecider>();
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(PullRequests));
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new SupersedeOptions()));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddKeyedSingleton(RepositoryGrain.ClockKey, Clock);
            silo.Services.AddSingleton(Metrics.Metrics);
            AddStorage(silo);
            AddServices(silo.Services);
            ExtraServices?.Invoke(silo.Services);
            silo.UseInMemoryReminderService();
            silo.AddActivityPropagation();
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Services a test adds to every silo besides the fixture's own (a fake GitHub, say).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>Services a fixture adds to every silo (a reporter, say).</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>Settings of the cluster as a whole (its service id, say) before it is built.</summary>
    protected virtual void ConfigureCluster(InProcessTestClusterOptions options)
    {
    }

    /// <summary>
    /// Registers the repositories' journal and the storage of earlier versions: by default as the local mode does, a
    /// SQLite journal and file storage in the storage directory (which <see cref="CreateStorage"/> can replace).
    /// </summary>
    protected virtual void AddStorage(ISiloBuilder silo)
    {
        silo.Services.AddGrainStorage(StorageNames.Repositories, (_, _) => CreateStorage(_storage.Path));
        silo.Services.AddSqliteJournal(_ => Path.Combine(_storage.Path, JournalServiceCollectionExtensions.LocalJournalFile));
        silo.Services.AddSingleton(sp => CreateJournal(sp, _storage.Path));
    }

    /// <summary>The repositories' journal: by default the local mode's SQLite journal in the storage directory.</summary>
    protected virtual IJournalStore CreateJournal(IServiceProvider services, string directory) => services.GetRequiredService<SqliteJournalStore>();

    /// <summary>The repositories' grain storage over <paramref name="directory"/>: the local mode's file storage.</summary>
    protected virtual IGrainStorage CreateStorage(string directory) => new FileGrainStorage(directory);

    /// <summary>Kills the silos, as a crash would: nothing is flushed or handed over.</summary>
    public async Task KillAsync()
    {
        foreach (var silo in Cluster.Silos.ToArray())
        {
            await Cluster.KillSiloAsync(silo);
        }

        await Cluster.DisposeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Metrics.Dispose();
        _storage.Dispose();
    }
}
