using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>Builds webhook events for tests; every call gets a fresh delivery id unless one is given.</summary>
public static class TestEvents
{
    public static string NewRepository() => "owner/repo-" + Guid.NewGuid().ToString("N")[..10];

    public static string Sha(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    public static WebhookEvent Push(string repository, string branch = "main", string? after = null, string? before = null,
        string? delivery = null, bool deleted = false, string eventType = "push", string action = "") =>
        new(DeliveryId.Parse(delivery ?? Guid.NewGuid().ToString()), EventType.Parse(eventType), action,
            branch.StartsWith("refs/", StringComparison.Ordinal) ? GitRef.Parse(branch) : GitRef.Branch(branch),
            after ?? Sha(1), before ?? WebhookEvent.ZeroRevision, false, deleted, false,
            new RepositoryFacts(repository, $"https://example.com/{repository}.git", $"git://example.com/{repository}.git", $"git@example.com:{repository}.git", "main"),
            DateTimeOffset.UtcNow);
}
