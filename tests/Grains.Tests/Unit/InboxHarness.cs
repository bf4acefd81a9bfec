using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Tests.Cluster;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>An <see cref="Inbox"/> over a fresh state on a fake clock, driven the way the repository grain drives it.</summary>
internal sealed class InboxHarness
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    public InboxHarness(DeliveryOptions? options = null, PullRequestOptions? pullRequests = null)
    {
        Inbox = new Inbox(() => State, options ?? new DeliveryOptions(), Clock, Changes.Add, pullRequests);
    }

    /// <summary>Every change the inbox made, in order: what the grain would write to the journal.</summary>
    public List<RepositoryChange> Changes { get; } = [];

    public FakeTimeProvider Clock { get; } = new(Start);

    public RepositoryState State { get; } = new();

    public Inbox Inbox { get; }

    public static AppliedObject Job(string name) => new("batch/v1", "Job", "ci", name);

    public static ProcessingResult Applied(string revision, params AppliedObject[] objects) => new(DeliveryState.Applied, null, objects, revision);

    public static WebhookEvent Push(string delivery, string branch = "main", int after = 1, int before = 0, bool deleted = false) =>
        TestEvents.Push("owner/repo", branch, TestEvents.Sha(after), before == 0 ? WebhookEvent.ZeroRevision : TestEvents.Sha(before), delivery, deleted);

    /// <summary>A deletion as the <c>delete</c> event brings it.</summary>
    public static WebhookEvent Delete(string delivery, string branch = "main") =>
        TestEvents.Push("owner/repo", branch, "", "", delivery, eventType: "delete");

    /// <summary>A deletion as the push with <c>deleted: true</c> brings it.</summary>
    public static WebhookEvent DeletingPush(string delivery, string branch = "main", int before = 1) =>
        Push(delivery, branch, after: 0, before: before, deleted: true);

    public static WebhookEvent CheckSuite(string delivery, string branch = "main", int head = 1) =>
        TestEvents.Push("owner/repo", branch, TestEvents.Sha(head), "", delivery, eventType: "check_suite", action: "requested");

    public static DeliveryId Id(string delivery) => DeliveryId.Parse(delivery);

    /// <summary>Examines the delivery and accepts, or queues again, what there is to take, as the grain does.</summary>
    public Arrival Receive(WebhookEvent e)
    {
        var arrival = Inbox.Examine(e);
        switch (arrival.Kind)
        {
            case ArrivalKind.New or ArrivalKind.Ignored or ArrivalKind.AwaitingApproval or ArrivalKind.Triggered:
                Inbox.Accept(arrival);
                break;
            case ArrivalKind.Redelivery:
                Inbox.Requeue(arrival.Event, "redelivered after it failed");
                break;
        }

        return arrival;
    }

    /// <summary>The delivery that may run now; fails the test when none may.</summary>
    public PendingDelivery Next()
    {
        var (next, wait) = Inbox.NextReady();
        Assert.True(next is not null, $"nothing is ready; the soonest waits {wait}");
        return next;
    }

    /// <summary>Runs the next ready delivery to the given result; returns its final record, or null when it waits for a retry.</summary>
    public DeliveryRecord? RunNext(ProcessingResult result) => Inbox.Finish(Next(), result);

    /// <summary>Fails the next ready delivery transiently until it is failed for good; returns when each attempt was made, from now.</summary>
    public List<TimeSpan> FailUntilGivenUp(string error)
    {
        var start = Clock.GetUtcNow();
        var attempts = new List<TimeSpan>();
        while (true)
        {
            var (next, wait) = Inbox.NextReady();
            if (next is null)
            {
                Clock.Advance(wait ?? throw new InvalidOperationException("nothing is pending"));
                continue;
            }

            attempts.Add(Clock.GetUtcNow() - start);
            if (Inbox.Finish(next, ProcessingResult.Retry(error)) is not null)
            {
                return attempts;
            }
        }
    }

    public DeliveryRecord Record(string delivery) => Inbox.Find(Id(delivery)) ?? throw new InvalidOperationException($"no record of {delivery}");

    public IEnumerable<string> History => State.History.Select(r => r.Delivery.Value);
}
