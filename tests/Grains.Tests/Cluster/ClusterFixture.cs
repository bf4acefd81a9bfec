using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
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
        : this(new HandlerOptions
        {
            Insecure = true,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxAttempts = 3,
            MaxRefs = 40,
            IgnoreRefs = "^refs/heads/ignored/",
        })
    {
    }

    /// <param name="options">The handler's settings in every silo.</param>
    /// <param name="clock">The repository grains' clock (Orleans itself keeps the system clock); the system clock when null.</param>
    protected ClusterFixture(HandlerOptions options, TimeProvider? clock = null)
    {
        Options = options;
        Clock = clock ?? TimeProvider.System;
    }

    /// <summary>What the repository grains read the time from.</summary>
    public TimeProvider Clock { get; }

    public ScriptedProcessor Processor { get; } = new();

    public ScriptedGraph Graph { get; } = new();

    public HandlerOptions Options { get; }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string StorageDirectory => _storage.Path;

    /// <summary>A safety net for waiting on outcomes; nothing is asserted about how long anything takes.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public IRepositoryGrain Grain(string repository) => Grains.GetGrain<IRepositoryGrain>(repository);

    /// <summary>The delivery's record once it is final; fails the test if it is not final within <see cref="Wait"/>.</summary>
    public async Task<DeliveryRecord> OutcomeAsync(string repository, WebhookEvent e)
    {
        var record = await Grain(repository).WaitForOutcome(e.Delivery, Wait);
        Assert.NotNull(record);
        Assert.True(record!.IsFinal, $"delivery {e.Delivery} is still {record.State}");
        return record;
    }

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts a cluster over the same storage directory, as a restart would.</summary>
    public async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IDeliveryProcessor>(Processor);
            silo.Services.AddSingleton<IRevisionGraph>(Graph);
            silo.Services.AddSingleton<SupersedeDecider>();
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddKeyedSingleton(RepositoryGrain.ClockKey, Clock);
            silo.Services.AddGrainStorage(StorageNames.Repositories, (_, _) => CreateStorage(_storage.Path));
            silo.UseInMemoryReminderService();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

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

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _storage.Dispose();
    }
}
