using System.Net;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>How one watch request ended: the last version seen, whether it was too old (relist), and how many lines came.</summary>
internal readonly record struct WatchEnd(string Version, bool Expired, int Lines);

/// <summary>
/// One watch request of <see cref="WorkflowWatch"/>: from a resourceVersion until the API server ends the stream, the
/// connection drops, the read deadline passes or the version turns out too old. Lines are capped and each is checked;
/// what cannot be read is skipped with a warning, never thrown.
/// </summary>
internal sealed class WorkflowWatchStream(KubernetesRestClient client, WorkflowWatchLimits limits, ILogger logger)
{
    private enum Next
    {
        Read,
        Relist,
    }

    public async Task<WatchEnd> FollowAsync(ResourceKind resource, string? ns, string version, IWorkflowObserver observer, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.OpenStreamAsync(Query(resource, ns, version), cancellationToken);
        }
        catch (KubernetesApiException e) when (e.Status == HttpStatusCode.Gone)
        {
            return new WatchEnd(version, true, 0);
        }

        using (response)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(limits.ServerTimeout + limits.ReadMargin);
            return await ReadAsync(resource, ns, version, response, observer, deadline.Token, cancellationToken);
        }
    }

    private async Task<WatchEnd> ReadAsync(ResourceKind resource, string? ns, string version, HttpResponseMessage response,
        IWorkflowObserver observer, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var lines = 0;
        try
        {
            var reader = new WatchLineReader(await response.Content.ReadAsStreamAsync(deadline), limits.MaxLineBytes);
            while (await reader.ReadAsync(deadline) is { } line)
            {
                lines++;
                var (next, seen) = await HandleAsync(resource, ns, line, observer, cancellationToken);
                version = seen ?? version;
                if (next == Next.Relist)
                {
                    return new WatchEnd(version, true, lines);
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Dropped, or silent past the deadline: resumed from the last version seen, which nothing after it was missed from.
            WorkflowWatchLog.Dropped(logger, resource.QualifiedPlural, Where(ns), version, e.Message);
        }

        return new WatchEnd(version, false, lines);
    }

    /// <summary>What to do after one line, and the resourceVersion it moves the watch to (null: unchanged).</summary>
    private async Task<(Next Next, string? Version)> HandleAsync(ResourceKind resource, string? ns, WatchLine line, IWorkflowObserver observer,
        CancellationToken cancellationToken)
    {
        if (line.Oversized)
        {
            WorkflowWatchLog.Oversized(logger, resource.QualifiedPlural, Where(ns), limits.MaxLineBytes);
            return (Next.Read, null);
        }

        if (string.IsNullOrWhiteSpace(line.Text))
        {
            return (Next.Read, null);
        }

        switch (WatchEvent.Parse(line.Text))
        {
            case null:
                WorkflowWatchLog.Malformed(logger, resource.QualifiedPlural, Where(ns), KubernetesApiException.Excerpt(line.Text));
                return (Next.Read, null);
            case { Type: "ADDED" or "MODIFIED" } change:
                await WorkflowWatch.ObserveAsync(resource, change.Object, observer, logger, cancellationToken);
                return (Next.Read, change.ResourceVersion);
            case { Type: "DELETED" or "BOOKMARK" } passed:
                // A deleted Workflow reports nothing; a bookmark only says how far the watch has come.
                return (Next.Read, passed.ResourceVersion);
            case { Type: "ERROR", ErrorCode: (int)HttpStatusCode.Gone }:
                return (Next.Relist, null);
            case { Type: "ERROR" } error:
                // As client-go's reflector does: any other error ends the watch, and the caller starts over with backoff.
                throw new TransientException(
                    $"the watch on {resource.QualifiedPlural} in {Where(ns)} ended with an error event {error.ErrorCode}: {KubernetesApiException.Excerpt(error.ErrorMessage)}");
            case var other:
                WorkflowWatchLog.Malformed(logger, resource.QualifiedPlural, Where(ns), $"an event of type {KubernetesApiException.Excerpt(other.Type)}");
                return (Next.Read, null);
        }
    }

    private string Query(ResourceKind resource, string? ns, string version) =>
        $"{resource.CollectionPathOrAll(ns)}?labelSelector={Uri.EscapeDataString(Manifests.HandlerLabels.ManagedSelector)}&watch=true" +
        $"&resourceVersion={Uri.EscapeDataString(version)}&allowWatchBookmarks=true&timeoutSeconds={(int)limits.ServerTimeout.TotalSeconds}";

    internal static string Where(string? ns) => ns ?? "all namespaces";
}
