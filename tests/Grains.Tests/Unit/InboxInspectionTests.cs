using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What the inspection API reads of an inbox: filtered pages of deliveries, and the summary the index holds.</summary>
public sealed class InboxInspectionTests
{
    private readonly InboxHarness _inbox = new(new DeliveryOptions { IgnoreRefs = "^refs/heads/ignored/" });

    private static DeliveryQuery Query(DeliveryState? state = null, string? gitRef = null, string? type = null, DeliveryCursor? after = null, int limit = 50) =>
        new(state, gitRef is null ? null : GitRef.Parse(gitRef), type is null ? null : EventType.Parse(type), after, limit);

    private string[] Deliveries(DeliveryQuery query) => _inbox.Inbox.Deliveries(query).Select(r => r.Delivery.Value).ToArray();

    /// <summary>
    /// d1 push main, d2 push feature, d3 check_suite main, d4 push to an ignored branch, received a second apart; then
    /// d1 applied ten seconds after the start.
    /// </summary>
    private void ReceiveFour()
    {
        WebhookEvent[] events = [Push("d1", "main", after: 1), Push("d2", "feature", after: 2), CheckSuite("d3", "main", head: 1), Push("d4", "ignored/x", after: 3)];
        foreach (var (e, second) in events.Select((e, i) => (e, i + 1)))
        {
            _inbox.Receive(e with { ReceivedAt = Start.AddSeconds(second) });
        }

        _inbox.Clock.Advance(TimeSpan.FromSeconds(10));
        _inbox.RunNext(Applied(TestEvents.Sha(1)));
    }

    [Fact]
    public void Deliveries_FilteredByStateRefOrEvent_AreTheMatchingOnesNewestFirst()
    {
        ReceiveFour();

        Assert.Equal(["d4", "d3", "d2", "d1"], Deliveries(Query()));
        Assert.Equal(["d3", "d2"], Deliveries(Query(DeliveryState.Queued)));
        Assert.Equal(["d4"], Deliveries(Query(DeliveryState.IgnoredRef)));
        Assert.Equal(["d3", "d1"], Deliveries(Query(gitRef: "refs/heads/main")));
        Assert.Equal(["d4", "d2", "d1"], Deliveries(Query(type: "push")));
        Assert.Equal(["d1"], Deliveries(Query(DeliveryState.Applied, "refs/heads/main", "push")));
        Assert.Empty(Deliveries(Query(type: "release")));
    }

    [Fact]
    public void Pages_ContinueAfterTheCursorsDelivery_OrAfterItsTimeWhenItIsNoLongerKept()
    {
        ReceiveFour();
        var received = Enumerable.Range(1, 4).ToDictionary(n => $"d{n}", n => Start.AddSeconds(n));

        var first = Deliveries(Query(limit: 2));
        var second = Deliveries(Query(after: new DeliveryCursor(Id("d3"), received["d3"]), limit: 2));
        var filtered = Deliveries(Query(DeliveryState.Queued, after: new DeliveryCursor(Id("d3"), received["d3"])));
        var forgotten = Deliveries(Query(after: new DeliveryCursor(Id("gone"), received["d2"])));

        Assert.Equal(["d4", "d3"], first);
        Assert.Equal(["d2", "d1"], second);
        Assert.Equal(["d2"], filtered);
        Assert.Equal(["d1"], forgotten);
    }

    [Fact]
    public void Summary_CountsTheKeptDeliveriesByState_AndTheNewestActivity()
    {
        ReceiveFour();
        var repository = RepositoryKey.Parse("owner/repo");

        var summary = _inbox.Inbox.Summary(repository)!;

        Assert.Equal(
            new Dictionary<DeliveryState, int> { [DeliveryState.Applied] = 1, [DeliveryState.Queued] = 2, [DeliveryState.IgnoredRef] = 1 },
            summary.Counts);
        Assert.Equal(Start.AddSeconds(10), summary.LastActivity);
        Assert.True(summary.Has(DeliveryState.Queued));
        Assert.False(summary.Has(DeliveryState.Failed));
        Assert.Null(new InboxHarness().Inbox.Summary(repository));
    }
}
