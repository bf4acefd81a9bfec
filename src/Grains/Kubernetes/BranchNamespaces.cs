using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Namespaces made per branch. A namespace the handler creates carries the label
/// <c>k8s-webhook-handler.io/owned-namespace=true</c> and the repository's label; only such a namespace, of the
/// same repository, is ever deleted, so a namespace someone else made is safe even if its name matches.
/// </summary>
public sealed class BranchNamespaces(KubernetesRestClient client)
{
    public const string OwnedLabel = StampKeys.Prefix + "owned-namespace";

    public async Task EnsureAsync(string name, WebhookEvent e, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetAsync($"/api/v1/namespaces/{name}", cancellationToken);
            return;
        }
        catch (KubernetesApiException missing) when (missing.Status == System.Net.HttpStatusCode.NotFound)
        {
            // Not there yet: created below.
        }

        var ns = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject
                {
                    [OwnedLabel] = "true",
                    [StampKeys.ManagedByLabel] = StampKeys.ManagedByValue,
                    [StampKeys.RepositoryLabel] = LabelValues.From(e.Repository.FullName.ToLowerInvariant()),
                    [StampKeys.RefLabel] = LabelValues.From(e.Ref),
                },
            },
        };
        try
        {
            await client.SendAsync(HttpMethod.Post, "/api/v1/namespaces", ns, "application/json", cancellationToken);
        }
        catch (KubernetesApiException raced) when (raced.Reason == "AlreadyExists")
        {
            // Created meanwhile by an earlier attempt of this delivery.
        }
    }

    public async Task<bool> DeleteIfOwnedAsync(string name, WebhookEvent e, CancellationToken cancellationToken)
    {
        JsonNode ns;
        try
        {
            ns = await client.GetAsync($"/api/v1/namespaces/{name}", cancellationToken);
        }
        catch (KubernetesApiException missing) when (missing.Status == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        var labels = ns["metadata"]?["labels"];
        if (labels?[OwnedLabel]?.GetValue<string>() != "true" ||
            labels[StampKeys.RepositoryLabel]?.GetValue<string>() != LabelValues.From(e.Repository.FullName.ToLowerInvariant()))
        {
            return false;
        }

        await client.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{name}", null, null, cancellationToken);
        return true;
    }

    /// <summary>The template with the branch put in, made a valid namespace name (DNS-1123 label, at most 63).</summary>
    public static string NameFor(string template, string branch)
    {
        var raw = template.Replace("{branch}", branch, StringComparison.Ordinal).ToLowerInvariant();
        var chars = raw.Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-').ToArray();
        var name = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return name.Length <= 63 ? name : name[..52].TrimEnd('-') + "-" + LabelValues.Hash(raw, 10);
    }
}
