using System.Collections.Concurrent;
using System.Globalization;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Tells the delivery reconciler of the repository webhooks that deliver here, from the <c>X-GitHub-Hook-ID</c> of each
/// delivery queued as new (not a duplicate or a replay): once per hook per process, in the background (intake never
/// waits), and again on a later delivery when telling failed. A hook is only ever one of the payload's own repository;
/// the header is not signed, so the reconciler keeps it only once GitHub lists the delivery through it. The App's hook
/// needs no learning.
/// </summary>
public sealed partial class HookLearner(IGrainFactory grains, ILogger<HookLearner> logger)
{
    /// <summary>The most hooks one process remembers having told: beyond it the memory starts over (the reconciler bounds its own list).</summary>
    public const int MaxTold = 10_000;

    private readonly ConcurrentDictionary<WebhookHook, byte> _told = new();

    /// <summary>Tells the reconciler of the delivery's hook when it is a repository webhook not told of before.</summary>
    public void Learn(IHeaderDictionary headers, WebhookEvent accepted, DeliveryStatus status)
    {
        if (status is not (DeliveryStatus.Queued or DeliveryStatus.AwaitingApproval) || HookOf(headers, accepted) is not { } hook)
        {
            return;
        }

        if (_told.Count >= MaxTold)
        {
            _told.Clear();
        }

        if (_told.TryAdd(hook, 0))
        {
            _ = TellAsync(hook, accepted.Delivery);
        }
    }

    /// <summary>
    /// The repository webhook a delivery came through: <c>X-GitHub-Hook-ID</c>, a positive number, when
    /// <c>X-GitHub-Hook-Installation-Target-Type</c> says <c>repository</c> (or, without that header, when the payload
    /// names no App installation). Null for an App's or an organization's hook, and for a malformed id.
    /// </summary>
    public static WebhookHook? HookOf(IHeaderDictionary headers, WebhookEvent accepted)
    {
        var target = headers["X-GitHub-Hook-Installation-Target-Type"].ToString();
        var repositoryHook = target == "repository" || (target.Length == 0 && accepted.Installation is null);
        return repositoryHook
            && long.TryParse(headers["X-GitHub-Hook-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && id > 0
                ? new WebhookHook(HookKind.Repository, id, accepted.Repository.Key)
                : null;
    }

    private async Task TellAsync(WebhookHook hook, DeliveryId taughtBy)
    {
        try
        {
            await grains.GetGrain<IDeliveryRecoveryGrain>(0).Learn(hook, taughtBy);
        }
        catch (Exception ex)
        {
            // The silo cluster away: the hook's next delivery tells it again.
            _told.TryRemove(hook, out _);
            LogNotTold(logger, hook.Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delivery reconciler was not told of webhook {Hook} ({Reason}); its next delivery tells it again")]
    private static partial void LogNotTold(ILogger logger, string hook, string reason);
}
