using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using k8s;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>An emulator, a <see cref="WorkflowWatch"/> on it and a <see cref="RecordingObserver"/>: what the watch tests stand on.</summary>
public sealed class WorkflowWatchHarness : IAsyncDisposable
{
    public static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    private const string WorkflowsPath = "/apis/argoproj.io/v1alpha1/namespaces/";

    private readonly TempDirectory _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task? _watching;

    private WorkflowWatchHarness(TempDirectory directory, KubeApiEmulatorServer emulator, KubernetesRestClient client, string kubeconfig)
    {
        _directory = directory;
        Emulator = emulator;
        Client = client;
        Kubeconfig = kubeconfig;
    }

    public KubeApiEmulatorServer Emulator { get; }

    public KubernetesRestClient Client { get; }

    public string Kubeconfig { get; }

    public RecordingObserver Observed { get; } = new();

    /// <param name="historyCapacity">How many changes the emulator keeps for watches to resume from.</param>
    public static async Task<WorkflowWatchHarness> StartAsync(int historyCapacity = 50_000)
    {
        var directory = new TempDirectory("workflow-watch");
        var emulator = await KubeApiEmulatorServer.StartAsync(historyCapacity: historyCapacity);
        var kubeconfig = emulator.WriteKubeconfig(directory.Combine("kubeconfig"));
        var client = new KubernetesRestClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), TimeSpan.FromMinutes(1), Unit.MetricsRecorder.Unobserved());
        return new WorkflowWatchHarness(directory, emulator, client, kubeconfig);
    }

    /// <summary>The watch started by <see cref="Watch"/>.</summary>
    public Task Watching => _watching ?? throw new InvalidOperationException("the watch has not been started");

    /// <summary>Starts the watch in the background; <see cref="StopAsync"/> cancels it.</summary>
    public void Watch(KubernetesOptions? options = null, WorkflowWatchLimits? limits = null)
    {
        var watch = new WorkflowWatch(Client, new ApiDiscovery(Client), Options.Create(options ?? new KubernetesOptions()), NullLogger<WorkflowWatch>.Instance, limits);
        _watching = Task.Run(() => watch.WatchAsync(Observed, _stop.Token));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await (_watching ?? Task.CompletedTask).WaitAsync(SafetyNet);
    }

    /// <summary>A Workflow as the handler stamps one (managed-by label, repo_name annotation), with <paramref name="phase"/> if given.</summary>
    public static JsonObject Workflow(string name, string? phase = null, string ns = "ci", string? repository = "octo/hello", bool managed = true)
    {
        var labels = new JsonObject();
        if (managed)
        {
            labels[StampKeys.ManagedByLabel] = StampKeys.ManagedByValue;
        }

        var annotations = new JsonObject();
        if (repository is not null)
        {
            annotations[StampKeys.RepoName] = repository;
        }

        var workflow = new JsonObject
        {
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["kind"] = "Workflow",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels, ["annotations"] = annotations },
            ["spec"] = new JsonObject { ["entrypoint"] = "main" },
        };
        if (phase is not null)
        {
            workflow["status"] = new JsonObject { ["phase"] = phase };
        }

        return workflow;
    }

    /// <summary>Creates the object; returns its resourceVersion.</summary>
    public async Task<string> CreateAsync(JsonObject workflow)
    {
        var ns = workflow["metadata"]!["namespace"]!.GetValue<string>();
        var created = await Client.SendAsync(HttpMethod.Post, WorkflowsPath + ns + "/workflows", workflow, "application/json", CancellationToken.None);
        return created["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    /// <summary>Sets <c>status.phase</c> (and <c>status.message</c>) with a merge patch, as Argo's controller would; returns the new resourceVersion.</summary>
    public async Task<string> SetPhaseAsync(string name, string phase, string? message = null, string ns = "ci")
    {
        var patch = new JsonObject { ["status"] = new JsonObject { ["phase"] = phase, ["message"] = message } };
        var patched = await Client.SendAsync(HttpMethod.Patch, $"{WorkflowsPath}{ns}/workflows/{name}", patch, "application/merge-patch+json", CancellationToken.None);
        return patched["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    public static bool IsWatch(RecordedRequest r) => r.Path.EndsWith("/workflows", StringComparison.Ordinal) && r.QueryValue("watch") == "true";

    public static bool IsList(RecordedRequest r) => r.Method == "GET" && r.Path.EndsWith("/workflows", StringComparison.Ordinal) && r.QueryValue("watch") is null;

    public IReadOnlyList<RecordedRequest> Lists() => Emulator.Requests.Snapshot().Where(IsList).ToArray();

    public IReadOnlyList<RecordedRequest> Watches() => Emulator.Requests.Snapshot().Where(IsWatch).ToArray();

    /// <summary>Waits until <paramref name="count"/> watch requests have been made.</summary>
    public Task WatchesAsync(int count) => Emulator.Requests.WaitUntilAsync(all => all.Count(IsWatch) >= count, SafetyNet);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await (_watching ?? Task.CompletedTask).WaitAsync(SafetyNet).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        Client.Dispose();
        await Emulator.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>Records what the watch observes, in order, with waits for a condition over the whole record.</summary>
public sealed class RecordingObserver : IWorkflowObserver
{
    private readonly Lock _gate = new();
    private readonly List<WorkflowObservation> _seen = [];
    private readonly List<(Func<IReadOnlyList<WorkflowObservation>, bool> Condition, TaskCompletionSource Holds)> _waiters = [];

    public IReadOnlyList<WorkflowObservation> All
    {
        get
        {
            lock (_gate)
            {
                return _seen.ToArray();
            }
        }
    }

    /// <summary>The phases observed for one Workflow, in order.</summary>
    public IReadOnlyList<WorkflowPhase> PhasesOf(string name) => All.Where(o => o.Object.Name == name).Select(o => o.Phase).ToArray();

    public Task ObserveAsync(WorkflowObservation observation, CancellationToken cancellationToken)
    {
        List<TaskCompletionSource> held;
        lock (_gate)
        {
            _seen.Add(observation);
            held = _waiters.Where(w => w.Condition(_seen)).Select(w => w.Holds).ToList();
            _waiters.RemoveAll(w => held.Contains(w.Holds));
        }

        held.ForEach(h => h.TrySetResult());
        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over everything observed so far.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<WorkflowObservation>, bool> condition)
    {
        var holds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_seen))
            {
                return;
            }

            _waiters.Add((condition, holds));
        }

        await holds.Task.WaitAsync(WorkflowWatchHarness.SafetyNet);
    }

    /// <summary>Waits until <paramref name="name"/> has been observed in <paramref name="phase"/>.</summary>
    public Task SeenAsync(string name, WorkflowPhase phase) => WaitUntilAsync(all => all.Any(o => o.Object.Name == name && o.Phase == phase));
}
