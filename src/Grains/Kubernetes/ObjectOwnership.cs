using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Whose an object already in the cluster is, read from what the handler stamps on everything it applies:
/// <c>app.kubernetes.io/managed-by</c>, the repository label and the exact <c>repo_name</c> annotation (labels are
/// sanitised, so two repositories can share a label value; the annotation keeps the name as GitHub spells it).
/// Every repository's objects are applied under the same field manager, so server-side apply alone cannot tell
/// them apart: this check is what keeps one repository from changing another's objects.
/// </summary>
public static class ObjectOwnership
{
    /// <summary>Null when <paramref name="existing"/> is the event's repository's to change; otherwise why not.</summary>
    /// <param name="existing">The object as the API server has it.</param>
    /// <param name="description">How the refusal names the object, e.g. <c>Workflow ci/build</c>.</param>
    /// <param name="e">The delivery that wants to change it.</param>
    public static string? RefusalToChange(JsonObject existing, string description, WebhookEvent e)
    {
        var labels = existing["metadata"]?["labels"];
        var managedBy = ManifestFields.StringOrNull(labels?[StampKeys.ManagedByLabel]);
        if (managedBy != StampKeys.ManagedByValue)
        {
            var owner = managedBy is null ? "it has no app.kubernetes.io/managed-by label" : $"it is managed by {managedBy}";
            return $"{description} exists and was not made by the handler ({owner}); the handler changes only objects it made";
        }

        var repository = ManifestFields.StringOrNull(existing["metadata"]?["annotations"]?[StampKeys.RepoName]);
        var repositoryLabel = ManifestFields.StringOrNull(labels?[StampKeys.RepositoryLabel]);
        if (!IsSameRepository(repository, e) || repositoryLabel != HandlerLabels.Repository(e.Repository.Key))
        {
            var owner = repository ?? repositoryLabel ?? "no repository";
            return $"{description} belongs to the handler's objects of {owner}; {e.Repository.FullName} may not change it";
        }

        return null;
    }

    /// <summary>
    /// For an object whose name the handler derived from the delivery: null when it is the one this delivery made
    /// (an earlier attempt's answer was lost); otherwise why it may not count as done.
    /// </summary>
    public static string? RefusalToAdopt(JsonObject existing, string description, WebhookEvent e)
    {
        if (RefusalToChange(existing, description, e) is { } refusal)
        {
            return refusal;
        }

        var delivery = ManifestFields.StringOrNull(existing["metadata"]?["labels"]?[StampKeys.DeliveryLabel]);
        return delivery == HandlerLabels.Delivery(e.Delivery)
            ? null
            : $"{description} exists but was made by delivery {delivery ?? "(none)"}, not by {e.Delivery.Value}";
    }

    /// <summary>
    /// Whether a stamped <c>repo_name</c> annotation names the event's repository: GitHub's names are case-insensitive,
    /// so <c>Octo/Hello</c> and <c>octo/hello</c> are one repository.
    /// </summary>
    public static bool IsSameRepository(string? repoName, WebhookEvent e) =>
        RepositoryKey.TryParse(repoName, out var stamped) && stamped == e.Repository.Key;
}
