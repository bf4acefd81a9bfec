using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>How an existing namespace of a branch's name stands to that branch.</summary>
public enum NamespaceClaim
{
    /// <summary>Not made by the handler (an administrator's): used, never deleted.</summary>
    Foreign,

    /// <summary>Made by the handler for this repository and this exact ref: used, and deleted with the branch.</summary>
    ThisBranch,

    /// <summary>Made before the exact ref was recorded, with matching (sanitised) labels: used, never deleted.</summary>
    ThisBranchByLabels,

    /// <summary>Made by the handler for another repository or another ref whose name maps to the same namespace: refused.</summary>
    OtherBranch,
}

/// <summary>
/// Namespaces made per branch. Branch names are folded into a DNS label, so distinct refs can share a name
/// (<c>feat/x</c> and <c>feat.x</c> are both <c>ci-feat-x</c>). A namespace the handler creates therefore records
/// the exact repository and ref in annotations (labels are sanitised and cannot tell such refs apart); it is used
/// only by that branch and deleted only with it. A namespace someone else made is used but never deleted.
/// </summary>
public sealed class BranchNamespaces(KubernetesRestClient client)
{
    /// <summary>
    /// Creates the namespace, or checks that the existing one may be used by this branch; how it stands to the branch
    /// (<see cref="NamespaceClaim.ThisBranch"/> when just created).
    /// </summary>
    public async Task<NamespaceClaim> EnsureAsync(string name, WebhookEvent e, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(name, cancellationToken);
        if (existing is null)
        {
            try
            {
                await client.SendAsync(HttpMethod.Post, "/api/v1/namespaces", Manifest(name, e), "application/json", cancellationToken);
                return NamespaceClaim.ThisBranch;
            }
            catch (KubernetesApiException raced) when (raced.Reason == "AlreadyExists")
            {
                // Made meanwhile: by an earlier attempt of this delivery, or by someone else; its marks decide.
                existing = await FindAsync(name, cancellationToken)
                    ?? throw new TransientException($"namespace {name} was created and removed while it was being created");
            }
        }

        var (claim, owner) = Claim(existing, e);
        if (claim == NamespaceClaim.OtherBranch)
        {
            throw new DeliveryRefusedException(
                $"namespace {name} belongs to the handler's branch {owner}; {e.Repository.FullName} {e.Ref} maps to the same namespace name and may not use it");
        }

        return claim;
    }

    /// <summary>Deletes the namespace only when the handler made it for this repository and this exact ref; true when deleted.</summary>
    public async Task<bool> DeleteIfOwnedAsync(string name, WebhookEvent e, CancellationToken cancellationToken)
    {
        if (await FindAsync(name, cancellationToken) is not { } ns || Claim(ns, e).Claim != NamespaceClaim.ThisBranch)
        {
            return false;
        }

        // Preconditions make the server refuse (409) if the namespace was replaced or re-marked since it was read.
        var options = new JsonObject
        {
            ["kind"] = "DeleteOptions",
            ["apiVersion"] = "v1",
            ["preconditions"] = new JsonObject
            {
                ["uid"] = ns["metadata"]?["uid"]?.DeepClone(),
                ["resourceVersion"] = ns["metadata"]?["resourceVersion"]?.DeepClone(),
            },
        };
        try
        {
            await client.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{name}", options, "application/json", cancellationToken);
            return true;
        }
        catch (KubernetesApiException gone) when (gone.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Whose the namespace is, and that owner as a refusal names it.</summary>
    public static (NamespaceClaim Claim, string Owner) Claim(JsonObject ns, WebhookEvent e)
    {
        var metadata = ns["metadata"];
        var labels = metadata?["labels"];
        if (ManifestFields.StringOrNull(labels?[StampKeys.OwnedNamespaceLabel]) != "true")
        {
            return (NamespaceClaim.Foreign, "(not the handler's)");
        }

        var repository = ManifestFields.StringOrNull(metadata?["annotations"]?[StampKeys.RepoName]);
        var @ref = ManifestFields.StringOrNull(metadata?["annotations"]?[StampKeys.Ref]);
        if (repository is not null || @ref is not null)
        {
            var same = ObjectOwnership.IsSameRepository(repository, e) && @ref == e.Ref.Value;
            return (same ? NamespaceClaim.ThisBranch : NamespaceClaim.OtherBranch, $"{@ref ?? "(no ref)"} of {repository ?? "(no repository)"}");
        }

        // Made before the exact ref was recorded: only the sanitised labels tell, and several refs share a label value
        // (main and main- are both refs.heads.main), so such a namespace is used by a matching branch but never deleted.
        var repositoryLabel = ManifestFields.StringOrNull(labels?[StampKeys.RepositoryLabel]);
        var refLabel = ManifestFields.StringOrNull(labels?[StampKeys.RefLabel]);
        var claim = HandlerLabels.LabelsMatch(repositoryLabel, refLabel, e) ? NamespaceClaim.ThisBranchByLabels : NamespaceClaim.OtherBranch;
        return (claim, $"labelled {refLabel ?? "(no ref)"} of {repositoryLabel ?? "(no repository)"}");
    }

    private static JsonObject Manifest(string name, WebhookEvent e)
    {
        var (labels, annotations) = HandlerLabels.ForBranchNamespace(e);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = ToJson(labels),
                ["annotations"] = ToJson(annotations),
            },
        };
    }

    private static JsonObject ToJson(Dictionary<string, string> values) =>
        new(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));

    private async Task<JsonObject?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync($"/api/v1/namespaces/{name}", cancellationToken) as JsonObject;
        }
        catch (KubernetesApiException missing) when (missing.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
