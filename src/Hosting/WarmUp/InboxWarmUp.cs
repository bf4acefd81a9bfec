using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Repositories;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// The repository's rules for an arrival, once, where repository grains run: the sample push examined and accepted by
/// an <see cref="Inbox"/> over a state that lives only in this step (with the configured <c>IgnoreRefs</c>, retention and
/// limits), then examined again as the duplicate it now is. Nothing is stored.
/// </summary>
public sealed class InboxWarmUp(IOptions<DeliveryOptions> options, TimeProvider time) : IWarmUpStep
{
    public string Name => "inbox";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var state = new RepositoryState();
        var changes = new List<RepositoryChange>();
        var inbox = new Inbox(() => state, options.Value, time, changes.Add);
        var sample = WarmUpSamples.Push(time.GetUtcNow());
        inbox.Accept(inbox.Examine(sample));
        var again = inbox.Examine(sample).Kind;
        var snapshot = inbox.Snapshot(RepositoryKey.Parse(WarmUpSamples.Repository));
        return changes is [DeliveryAccepted] && again == ArrivalKind.Duplicate && snapshot.Deliveries.Count == 1
            ? Task.CompletedTask
            : throw new WarmUpException($"the inbox made {changes.Count} change(s) of the sample push and then took it for {again}, not one change and a duplicate");
    }
}
