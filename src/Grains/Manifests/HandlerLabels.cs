using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// The labels the handler puts on what it makes, and the selectors by which it finds its objects again. Label values
/// are sanitised (<see cref="LabelValues"/>), so distinct repositories or refs can share one: whatever must be exact
/// is checked against the <c>repo_name</c> and <c>ref</c> annotations as well.
/// </summary>
public static class HandlerLabels
{
    /// <summary>The repository label's value: the canonical key, made a label value (<c>octo/hello</c> is <c>octo.hello</c>).</summary>
    public static string Repository(RepositoryKey repository) => LabelValues.From(repository.Value);

    /// <summary>The ref label's value: the full ref, made a label value (<c>refs/heads/main</c> is <c>refs.heads.main</c>).</summary>
    public static string Ref(GitRef gitRef) => LabelValues.From(gitRef.Value);

    /// <summary>The delivery label's value.</summary>
    public static string Delivery(DeliveryId delivery) => LabelValues.From(delivery.Value);

    /// <summary>The labels every object applied for <paramref name="e"/> at <paramref name="revision"/> gets.</summary>
    public static Dictionary<string, string> ForObject(WebhookEvent e, string revision) => new()
    {
        [StampKeys.RepositoryLabel] = Repository(e.Repository.Key),
        [StampKeys.RefLabel] = Ref(e.Ref),
        [StampKeys.RevisionLabel] = LabelValues.From(revision),
        [StampKeys.DeliveryLabel] = Delivery(e.Delivery),
        [StampKeys.EventLabel] = LabelValues.From(e.EventType.Name),
        [StampKeys.ManagedByLabel] = StampKeys.ManagedByValue,
    };

    /// <summary>The label selector (not yet URL-escaped) for everything the handler made: its managed-by label.</summary>
    public static string ManagedSelector => $"{StampKeys.ManagedByLabel}={StampKeys.ManagedByValue}";

    /// <summary>The label selector (not yet URL-escaped) for the handler's objects of the event's repository and ref.</summary>
    public static string RefSelector(WebhookEvent e) =>
        $"{StampKeys.RepositoryLabel}={Repository(e.Repository.Key)},{StampKeys.RefLabel}={Ref(e.Ref)}";

    /// <summary>
    /// The marks of a branch namespace the handler makes for the event's repository and ref: the labels, and the exact
    /// repository name and ref as annotations, which tell apart the refs that share a namespace name or a label value.
    /// </summary>
    public static (Dictionary<string, string> Labels, Dictionary<string, string> Annotations) ForBranchNamespace(WebhookEvent e) => (
        new()
        {
            [StampKeys.OwnedNamespaceLabel] = "true",
            [StampKeys.ManagedByLabel] = StampKeys.ManagedByValue,
            [StampKeys.RepositoryLabel] = Repository(e.Repository.Key),
            [StampKeys.RefLabel] = Ref(e.Ref),
        },
        new()
        {
            [StampKeys.RepoName] = e.Repository.FullName,
            [StampKeys.Ref] = e.Ref.Value,
        });

    /// <summary>Whether sanitised repository and ref label values are the ones the handler stamps for the event.</summary>
    public static bool LabelsMatch(string? repositoryLabel, string? refLabel, WebhookEvent e) =>
        repositoryLabel == Repository(e.Repository.Key) && refLabel == Ref(e.Ref);
}
