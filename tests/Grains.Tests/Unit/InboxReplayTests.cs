using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Tests.Cluster;
using Microsoft.Extensions.Time.Testing;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// The journal's promise: the state is its snapshot with the later changes applied in order. Random traffic (seeded)
/// drives an inbox the way the grain does; its changes, written and read back as JSON, must rebuild exactly the
/// same state from empty and from a snapshot taken midway.
/// </summary>
public sealed class InboxReplayTests
{
    // Small limits, so that forgetting ids, trimming history and pruning refs all happen many times.
    private static readonly DeliveryOptions Limits = new()
    {
        HistoryLimit = 20,
        MaxRememberedDeliveries = 40,
        MaxRefs = 4,
        DeliveryRetention = TimeSpan.FromMinutes(10),
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(4),
        RetryFor = TimeSpan.FromSeconds(30),
        IgnoreRefs = "^refs/heads/ignored",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomTraffic_ReplayedFromItsChanges_RebuildsTheSameState(int seed)
    {
        var traffic = new Traffic(seed);
        var snapshotAt = 0;
        JsonNode? snapshot = null;
        for (var step = 0; step < 3000; step++)
        {
            traffic.Step();
            if (step == 1500)
            {
                (snapshot, snapshotAt) = (Json(traffic.State), traffic.Changes.Count);
            }
        }

        var fromEmpty = Replay(new RepositoryState(), traffic.Changes);
        var fromSnapshot = Replay(snapshot!.Deserialize<RepositoryState>(StateJson.Options)!, traffic.Changes.Skip(snapshotAt));

        JsonAssert.Equal(Json(traffic.State), Json(fromEmpty), "replayed from empty:");
        JsonAssert.Equal(Json(traffic.State), Json(fromSnapshot), "replayed from the snapshot:");
        Assert.Equal(
            ["accepted", "completed", "made-ready", "pull-request-approved", "requeued", "retry-scheduled"],
            traffic.Changes.Select(c => Json(c)["change"]!.GetValue<string>()).Distinct().Order());
    }

    [Fact]
    public void Change_IsWrittenAsItsKindAndFields_WithoutTheStateItLedTo()
    {
        var inbox = new InboxHarness();
        var changes = new List<RepositoryChange>();
        var recording = new Inbox(() => inbox.State, new DeliveryOptions(), inbox.Clock, changes.Add);

        recording.Accept(recording.Examine(Push("a", after: 2, before: 1)));

        var written = Json(Assert.Single(changes));
        Assert.Equal("accepted", written["change"]!.GetValue<string>());
        Assert.Equal("a", written["Event"]!["Delivery"]!.GetValue<string>());
        Assert.Equal(Start, written["At"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["change", "Event", "IgnoredAs", "Reason", "At"], written.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void AcceptedChange_OfAnAppInstallationsEvent_KeepsTheInstallation_AndOneWithoutReadsAsNone()
    {
        var inbox = new InboxHarness();
        var changes = new List<RepositoryChange>();
        var recording = new Inbox(() => inbox.State, new DeliveryOptions(), inbox.Clock, changes.Add);
        recording.Accept(recording.Examine(Push("a") with { Installation = 957387 }));
        recording.Accept(recording.Examine(Push("b", branch: "other")));

        var read = changes.Select(c => JsonSerializer.Deserialize<RepositoryChange>(JsonSerializer.SerializeToUtf8Bytes(c, StateJson.Options), StateJson.Options)).ToList();

        Assert.Equal([957387L, null], read.Select(c => Assert.IsType<DeliveryAccepted>(c).Event.Installation));
        Assert.Equal([957387L, null], inbox.State.Inbox.Select(p => p.Event.Installation));
    }

    private static RepositoryState Replay(RepositoryState state, IEnumerable<RepositoryChange> changes)
    {
        var inbox = new Inbox(() => state, Limits, TimeProvider.System);
        foreach (var change in changes)
        {
            inbox.Apply(JsonSerializer.Deserialize<RepositoryChange>(JsonSerializer.SerializeToUtf8Bytes(change, StateJson.Options), StateJson.Options)!);
        }

        return state;
    }

    private static JsonNode Json(RepositoryState state) => JsonSerializer.SerializeToNode(state, StateJson.Options)!;

    private static JsonNode Json(RepositoryChange change) => JsonSerializer.SerializeToNode(change, StateJson.Options)!;

    /// <summary>Deliveries, attempts, operator retries and the passing of time, picked by a seeded generator.</summary>
    private sealed class Traffic(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly FakeTimeProvider _clock = new(Start);
        private readonly List<string> _sent = [];
        private Inbox? _inbox;

        public RepositoryState State { get; } = new();

        public List<RepositoryChange> Changes { get; } = [];

        private Inbox Inbox => _inbox ??= new Inbox(() => State, Limits, _clock, Changes.Add);

        public void Step()
        {
            switch (_random.Next(10))
            {
                case < 4:
                    Receive(NewDelivery());
                    break;
                case 4 when _sent.Count > 0:
                    // GitHub's "Redeliver": the same id again (a duplicate, or a failed one queued again).
                    Receive(Push(Recent(), Branch(), after: _random.Next(1, 6)));
                    break;
                case < 8:
                    RunNext();
                    break;
                case 8 when _sent.Count > 0:
                    OperatorRetry(Recent());
                    break;
                default:
                    _clock.Advance(TimeSpan.FromSeconds(_random.Next(0, 20)));
                    break;
            }
        }

        private WebhookEvent NewDelivery()
        {
            var id = $"d-{_sent.Count}";
            _sent.Add(id);
            return _random.Next(12) switch
            {
                0 => DeletingPush(id, Branch()),
                1 => Delete(id, Branch()),
                2 => CheckSuite(id, Branch(), head: _random.Next(1, 6)),
                3 => Push(id, "ignored-" + Branch()),
                8 or 9 => PullRequest(id),
                10 => Comment(id),
                _ => Push(id, Branch(), after: _random.Next(1, 6), before: _random.Next(0, 6)),
            };
        }

        /// <summary>A pull request of a few, from the repository or a fork, by a trusted author or not.</summary>
        private WebhookEvent PullRequest(string id)
        {
            var action = new[] { "opened", "synchronize", "synchronize", "reopened", "closed", "labeled" }[_random.Next(6)];
            var fork = _random.Next(3) == 0 ? null : "fork/repo";
            var association = _random.Next(4) == 0 ? "MEMBER" : "CONTRIBUTOR";
            return TestEvents.PullRequest("owner/repo", _random.Next(1, 7), action, TestEvents.Sha(_random.Next(1, 6)), fork, association, delivery: id);
        }

        /// <summary>A command on one of the pull requests, by a maintainer or not.</summary>
        private WebhookEvent Comment(string id)
        {
            var command = _random.Next(2) == 0 ? CommentCommand.OkToTest : CommentCommand.Retest;
            return TestEvents.Comment("owner/repo", _random.Next(1, 7), command, _random.Next(4) == 0 ? "NONE" : "MEMBER", delivery: id);
        }

        private string Branch() => $"b{_random.Next(6)}";

        /// <summary>One of the last deliveries sent: those the history still holds.</summary>
        private string Recent() => _sent[Math.Max(0, _sent.Count - 1 - _random.Next(Limits.HistoryLimit))];

        private void Receive(WebhookEvent e)
        {
            var arrival = Inbox.Examine(e);
            if (arrival.Kind is ArrivalKind.New or ArrivalKind.Ignored or ArrivalKind.AwaitingApproval or ArrivalKind.Triggered)
            {
                Inbox.Accept(arrival);
            }
            else if (arrival.Kind == ArrivalKind.Redelivery)
            {
                Inbox.Requeue(arrival.Event, "redelivered after it failed");
            }
        }

        private void RunNext()
        {
            if (Inbox.NextReady().Next is not { } next)
            {
                return;
            }

            var result = _random.Next(4) switch
            {
                0 => ProcessingResult.Retry("git is down"),
                1 => ProcessingResult.Final(DeliveryState.Rejected, "the manifest asks for a kind that is not allowed"),
                _ => Applied(next.Event.Revision, Job($"ci-{next.Event.Delivery}")),
            };
            Inbox.Finish(next, result);
        }

        private void OperatorRetry(string delivery)
        {
            var retry = Inbox.PlanRetry(Id(delivery));
            if (retry.Kind == RetryKind.RunPendingNow)
            {
                Inbox.RunNow(Id(delivery));
            }
            else if (retry is { Kind: RetryKind.Requeue, Again: { } again })
            {
                Inbox.Requeue(again, "retried by an operator");
            }
        }
    }
}
