using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Delivery;

namespace K8sWebhookHandler.Grains.Tests.Cluster.StateV1;

/// <summary>
/// The repository whose state schema version 1 wrote to the fixtures in <c>Fixtures/StateV1</c>: the deliveries it was
/// sent, the settings and the clock it ran under. See the README there for what each delivery came to.
/// </summary>
public static class StateV1
{
    /// <summary>The grain's key: the canonical repository name.</summary>
    public const string Repository = "octo-org/hello-world";

    /// <summary>The service id the Redis state was written under (the Silo's default).</summary>
    public const string ServiceId = "k8s-webhook-handler";

    public const string RevisionA = "7c2d4e1f9a0b3c5d6e7f8091a2b3c4d5e6f70812";
    public const string RevisionB = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    public const string RevisionC = "b4e3f2a1908172635445362718091a2b3c4d5e6f";
    public const string RevisionE = "e5d4c3b2a1f0e9d8c7b6a59483726150f4e3d2c1";
    public const string RevisionF = "f1e2d3c4b5a6978877665544332211ffeeddccbb";
    public const string RevisionG = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";

    /// <summary>The tip of <c>refs/heads/old-feature</c> when it was deleted.</summary>
    public const string RevisionX = "3141592653589793238462643383279502884197";

    private const string Zero = WebhookEvent.ZeroRevision;

    /// <summary>When the first delivery arrived; each next one came a minute later.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The grains' clock when the state was captured: the last delivery had just failed its first attempt.</summary>
    public static readonly DateTimeOffset CapturedAt = Start.AddMinutes(7);

    public static readonly RepositoryFacts Facts = new("Octo-Org/Hello-World", "https://github.com/Octo-Org/Hello-World.git",
        "git://github.com/Octo-Org/Hello-World.git", "git@github.com:Octo-Org/Hello-World.git", "main");

    /// <summary>Push to main, applied with one workflow.</summary>
    public static readonly WebhookEvent MainPushed = Event(1, "push", "", "refs/heads/main", RevisionA, Zero, created: true);

    /// <summary>A completed check suite: ignored on arrival.</summary>
    public static readonly WebhookEvent SuiteCompleted = Event(2, "check_suite", "completed", "refs/heads/main", RevisionA, Zero);

    /// <summary>Push to docs, whose revision has no manifest.</summary>
    public static readonly WebhookEvent DocsPushed = Event(3, "push", "", "refs/heads/docs", RevisionB, Zero, created: true);

    /// <summary>Push to feature/login, whose manifest was rejected.</summary>
    public static readonly WebhookEvent FeaturePushed = Event(4, "push", "", "refs/heads/feature/login", RevisionC, Zero, created: true);

    /// <summary>Push to fix/timeout, failed after three transient failures.</summary>
    public static readonly WebhookEvent FixPushed = Event(5, "push", "", "refs/heads/fix/timeout", RevisionE, Zero, created: true);

    /// <summary>The delete event of old-feature, applied; the deleting push of that branch had not come.</summary>
    public static readonly WebhookEvent OldFeatureDeleted = Event(6, "delete", "", "refs/heads/old-feature", "", "");

    /// <summary>Second push to main, applied; it stopped the first push's workflow.</summary>
    public static readonly WebhookEvent MainPushedAgain = Event(7, "push", "", "refs/heads/main", RevisionF, RevisionA);

    /// <summary>Push of the tag v1.0.0: its first attempt failed transiently, and it waits in the inbox for the next.</summary>
    public static readonly WebhookEvent TagPushed = Event(8, "push", "", "refs/tags/v1.0.0", RevisionG, Zero, created: true);

    public static readonly IReadOnlyList<WebhookEvent> Sent =
        [MainPushed, SuiteCompleted, DocsPushed, FeaturePushed, FixPushed, OldFeatureDeleted, MainPushedAgain, TagPushed];

    /// <summary>The settings the state was written under, and is read back under.</summary>
    public static DeliveryOptions Options() => new()
    {
        RetryDelay = TimeSpan.FromSeconds(5),
        MaxRetryDelay = TimeSpan.FromMinutes(1),
        MaxAttempts = 3,
    };

    /// <summary>A fixture file as copied to the test output.</summary>
    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "StateV1", name);

    private static WebhookEvent Event(int n, string type, string action, string gitRef, string revision, string before, bool created = false) =>
        new(DeliveryId.Parse($"5e0c7a40-1619-11f1-8a3b-00000000000{n}"), EventType.Parse(type), action, GitRef.Parse(gitRef), revision, before, created, false, false,
            Facts, Start.AddMinutes(n - 1));
}
