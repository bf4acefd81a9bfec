using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static K8sWebhookHandler.Grains.Tests.Integration.WorkflowWatchHarness;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>What <c>AddWorkflowWatch</c> registers as <see cref="IWorkflowWatch"/>: the cluster's watch, or nothing to watch in a dry run.</summary>
public sealed class WorkflowWatchRegistrationTests
{
    [Fact]
    public async Task ClusterConfigured_WatchesItsWorkflowsInTheConfiguredNamespace()
    {
        await using var harness = await StartAsync();
        using var data = new TempDirectory("watch-registration");
        await using var services = Services(("KUBECONFIG", harness.Kubeconfig), ("Handler:DataDirectory", data.Path), ("Handler:Namespace", "default"));
        await harness.CreateAsync(Workflow("in-ci"));
        await harness.CreateAsync(Workflow("in-default", "Running", ns: "default"));
        using var stop = new CancellationTokenSource();

        var watch = services.GetRequiredService<IWorkflowWatch>();
        var watching = watch.WatchAsync(harness.Observed, stop.Token);
        await harness.WatchesAsync(1);
        await stop.CancelAsync();
        await watching.WaitAsync(SafetyNet);

        Assert.IsType<WorkflowWatch>(watch);
        Assert.Equal([("default", "in-default", WorkflowPhase.Running)], harness.Observed.All.Select(o => (o.Object.Namespace, o.Object.Name, o.Phase)));
    }

    [Fact]
    public void WithoutTheKubernetesTarget_AddsItOnce()
    {
        var services = new ServiceCollection().AddWorkflowWatch();

        Assert.Single(services, d => d.ServiceType == typeof(KubernetesTarget));
        Assert.Single(services, d => d.ServiceType == typeof(IWorkflowWatch));
    }

    [Fact]
    public async Task DryRun_HasNothingToWatchAndEndsWhenCancelled()
    {
        using var data = new TempDirectory("watch-registration");
        await using var services = Services(("Handler:DryRun", "true"), ("Handler:DataDirectory", data.Path));
        using var stop = new CancellationTokenSource();
        var observed = new RecordingObserver();

        var watching = services.GetRequiredService<IWorkflowWatch>().WatchAsync(observed, stop.Token);
        await stop.CancelAsync();
        await watching.WaitAsync(SafetyNet);

        Assert.IsType<DryRunFolder>(services.GetRequiredService<IWorkflowWatch>());
        Assert.Empty(observed.All);
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddKubernetesTarget().AddWorkflowWatch().AddWorkflowWatch();
        return services.BuildServiceProvider();
    }
}
