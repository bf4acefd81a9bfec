using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Reads <c>.ci/workflow.yaml</c> at the event's revision (a deletion reads it from the default branch), stamps
/// it and hands it to the sink. Refusals are final; unreachable servers are transient and retried by the grain.
/// </summary>
public sealed partial class DeliveryProcessor(
    IGitMirror git, IObjectSink sink, IOptions<HandlerOptions> options, ILogger<DeliveryProcessor> logger) : IDeliveryProcessor
{
    private readonly Regex? _ignoreRefs = options.Value.IgnoreRefs is { Length: > 0 } pattern
        ? new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        : null;

    public async Task<ProcessingResult> ProcessAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        if (_ignoreRefs?.IsMatch(e.Ref) == true)
        {
            return ProcessingResult.Final(DeliveryState.IgnoredRef, $"{e.Ref} matches Handler:IgnoreRefs");
        }

        var settings = options.Value;
        var repository = RepositoryKey.Parse(e.Repository.FullName);
        var remote = settings.CloneUrl switch
        {
            CloneUrlSource.GitUrl => e.Repository.GitUrl,
            CloneUrlSource.SshUrl => e.Repository.SshUrl,
            _ => e.Repository.CloneUrl,
        };
        try
        {
            var revision = e.IsDeletion
                ? await git.ResolveBranchAsync(repository, remote, e.Repository.DefaultBranch, cancellationToken)
                : e.Revision;
            if (revision is null)
            {
                return ProcessingResult.Final(DeliveryState.NoManifest, $"the default branch {e.Repository.DefaultBranch} does not exist");
            }

            var text = await git.ReadFileAsync(repository, remote, revision, settings.ManifestPath, cancellationToken);
            if (text is null)
            {
                return ProcessingResult.Final(DeliveryState.NoManifest, $"{settings.ManifestPath} does not exist at {revision}", revision);
            }

            var objects = new ManifestReader(settings.Manifest).Read(text);
            if (objects.Count == 0)
            {
                return ProcessingResult.Final(DeliveryState.NoManifest, $"{settings.ManifestPath} has no objects at {revision}", revision);
            }

            var applied = await sink.ApplyAsync(ManifestStamper.Stamp(objects, e, revision), e, cancellationToken);
            LogApplied(logger, e.Repository.FullName, e.Ref, revision, e.Delivery.Value, applied.Count);
            return new ProcessingResult(DeliveryState.Applied, null, applied, revision);
        }
        catch (ManifestException m)
        {
            LogRejected(logger, e.Repository.FullName, e.Ref, e.Delivery.Value, m.Message);
            return ProcessingResult.Final(DeliveryState.Rejected, m.Message);
        }
        catch (TransientException t)
        {
            LogTransient(logger, e.Repository.FullName, e.Ref, e.Delivery.Value, t.Message);
            return ProcessingResult.Retry(t.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} object(s) for {Repository} {Ref} at {Revision} (delivery {DeliveryId})")]
    private static partial void LogApplied(ILogger logger, string repository, string @ref, string revision, string deliveryId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the manifest of {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Will retry {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogTransient(ILogger logger, string repository, string @ref, string deliveryId, string reason);
}
