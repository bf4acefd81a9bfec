using System.Diagnostics;
using System.Net;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Watches the handler's Argo Workflows (label <c>app.kubernetes.io/managed-by=k8s-webhook-handler</c>) in the
/// namespaces it may apply to (<see cref="Namespaces"/>), as client-go's reflector does: list in pages, then watch from
/// the list's resourceVersion with bookmarks and a server-side timeout, resume from the last version seen after the
/// stream ends or drops, and list again on <c>410 Gone</c>. One list and watch per namespace, run side by side; the
/// observer is called by one of them at a time. Any failure to reach the API server, or an answer other than
/// success, is a <see cref="TransientException"/> for the caller to retry.
/// </summary>
public sealed class WorkflowWatch(
    KubernetesRestClient client, IKindResolver resolver, IOptions<KubernetesOptions> options, ILogger<WorkflowWatch> logger,
    WorkflowWatchLimits? limits = null) : IWorkflowWatch
{
    /// <summary>The apiVersion and kind watched; discovery says where the cluster serves it.</summary>
    public const string ApiVersion = "argoproj.io/v1alpha1";

    public const string Kind = "Workflow";

    private readonly WorkflowWatchLimits _limits = limits ?? new WorkflowWatchLimits();

    /// <summary>
    /// Where the handler's Workflows can be: <c>Handler:Namespace</c> and <c>Handler:AllowedNamespaces</c>, each watched
    /// on its own (a Role per namespace suffices); with branch namespaces on, any namespace, so a single null entry
    /// stands for one watch across all namespaces (which needs a ClusterRole).
    /// </summary>
    public static IReadOnlyList<string?> Namespaces(KubernetesOptions options) =>
        options.BranchNamespaces.Enabled ? [null] : [.. new[] { options.Namespace }.Concat(options.AllowedNamespaces).Distinct(StringComparer.Ordinal)];

    public async Task WatchAsync(IWorkflowObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            var resource = await ResolveAsync(cancellationToken);
            using var serial = new SerialObserver(observer);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var loops = Namespaces(options.Value).Select(ns => RunAsync(resource, ns, serial, stop)).ToArray();
            try
            {
                await Task.WhenAll(loops);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested &&
                loops.Select(l => l.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) is { } first)
            {
                ExceptionDispatchInfo.Throw(first);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled: the only way this ends without a failure.
        }
    }

    /// <summary>Passes one listed or watched Workflow on, or logs why it is skipped.</summary>
    internal static async Task ObserveAsync(ResourceKind resource, JsonObject item, IWorkflowObserver observer, ILogger logger, CancellationToken cancellationToken)
    {
        var (observation, skipped) = WorkflowObservationReader.Read(resource, item);
        if (observation is null)
        {
            WorkflowWatchLog.Skipped(logger, resource.QualifiedPlural, ManifestFields.StringOrNull((item["metadata"] as JsonObject)?["name"]) ?? "(no name)", skipped!);
            return;
        }

        await observer.ObserveAsync(observation, cancellationToken);
    }

    private async Task<ResourceKind> ResolveAsync(CancellationToken cancellationToken)
    {
        var resource = await Api(null, null, () => resolver.ResolveAsync(ApiVersion, Kind, cancellationToken));
        if (resource is null)
        {
            WorkflowWatchLog.NotServed(logger, ApiVersion, Kind);
            throw new TransientException($"the cluster does not serve {Kind} of {ApiVersion}: install Argo Workflows' CRDs");
        }

        return resource;
    }

    /// <summary>One namespace's list and watch, until cancelled; a failure cancels the other namespaces' too.</summary>
    private async Task RunAsync(ResourceKind resource, string? ns, SerialObserver observer, CancellationTokenSource stop)
    {
        try
        {
            var stream = new WorkflowWatchStream(client, _limits, logger);
            while (true)
            {
                var version = await ListAsync(resource, ns, observer, stop.Token);
                await FollowAsync(stream, resource, ns, version, observer, stop.Token);
                WorkflowWatchLog.Expired(logger, resource.QualifiedPlural, WorkflowWatchStream.Where(ns));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>Watches from <paramref name="version"/>, resuming after every end, until the version is too old.</summary>
    private async Task FollowAsync(WorkflowWatchStream stream, ResourceKind resource, string? ns, string version, IWorkflowObserver observer,
        CancellationToken cancellationToken)
    {
        var empty = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            var end = await Api(resource, ns, () => stream.FollowAsync(resource, ns, version, observer, cancellationToken));
            if (end.Expired)
            {
                return;
            }

            empty = end.Lines == 0 && Stopwatch.GetElapsedTime(started) < _limits.ServerTimeout / 2 ? empty + 1 : 0;
            if (empty >= _limits.EmptyStreamsBeforeFailure)
            {
                throw new TransientException($"the watch on {resource.QualifiedPlural} in {WorkflowWatchStream.Where(ns)} ended {empty} times in a row at once, without an event");
            }

            version = end.Version;
        }
    }

    /// <summary>Lists every page and passes each Workflow on; returns the first page's resourceVersion, which the watch starts from.</summary>
    private async Task<string> ListAsync(ResourceKind resource, string? ns, IWorkflowObserver observer, CancellationToken cancellationToken)
    {
        var selector = Uri.EscapeDataString(HandlerLabels.ManagedSelector);
        string? version = null;
        string? next = null;
        while (true)
        {
            var query = $"{resource.CollectionPathOrAll(ns)}?labelSelector={selector}&limit={_limits.PageSize}" + (next is null ? "" : $"&continue={Uri.EscapeDataString(next)}");
            JsonNode page;
            try
            {
                page = await Api(resource, ns, () => client.GetAsync(query, cancellationToken));
            }
            catch (TransientException e) when (next is not null && e.InnerException is KubernetesApiException { Status: HttpStatusCode.Gone })
            {
                // The continue token expired between pages: the list starts over, and the watch from its new version.
                (version, next) = (null, null);
                continue;
            }

            var metadata = (page as JsonObject)?["metadata"] as JsonObject;
            version ??= ManifestFields.StringOrNull(metadata?["resourceVersion"])
                ?? throw new TransientException($"the list of {resource.QualifiedPlural} in {WorkflowWatchStream.Where(ns)} has no resourceVersion");
            foreach (var item in ((page as JsonObject)?["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                await ObserveAsync(resource, item, observer, logger, cancellationToken);
            }

            next = ManifestFields.StringOrNull(metadata?["continue"]) is { Length: > 0 } token ? token : null;
            if (next is null)
            {
                return version;
            }
        }
    }

    /// <summary>Runs a call; an answer that is not success becomes a <see cref="TransientException"/>, a 403 also an error log naming the grant.</summary>
    private async Task<T> Api<T>(ResourceKind? resource, string? ns, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KubernetesApiException e)
        {
            var what = resource?.QualifiedPlural ?? $"the discovery of {ApiVersion}";
            if (e.Status == HttpStatusCode.Forbidden)
            {
                WorkflowWatchLog.Forbidden(logger, what, WorkflowWatchStream.Where(ns), e.ApiMessage);
            }

            throw new TransientException($"watching {what} in {WorkflowWatchStream.Where(ns)}: {e.Message}", e);
        }
    }

    /// <summary>Calls the observer from one namespace's loop at a time.</summary>
    private sealed class SerialObserver(IWorkflowObserver inner) : IWorkflowObserver, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task ObserveAsync(Abstractions.Reporting.WorkflowObservation observation, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await inner.ObserveAsync(observation, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose() => _gate.Dispose();
    }
}
