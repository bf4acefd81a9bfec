using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>
/// A skeletal <c>/openapi/v3</c>: per group-version documents whose PATCH operations declare the
/// <c>fieldValidation</c> query parameter, which is what kubectl reads to send validation to the server
/// instead of downloading schemas. No schemas are served, so nothing is validated against one.
/// </summary>
public sealed class OpenApi(ResourceCatalog catalog)
{
    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var gv in GroupVersions())
        {
            paths[gv.Path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv.Path}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public JsonObject? Document(string groupVersionPath)
    {
        var match = GroupVersions().FirstOrDefault(gv => gv.Path == groupVersionPath);
        if (match.Path is null)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var type in catalog.InGroupVersion(match.Group, match.Version))
        {
            var prefix = "/" + match.Path + (type.Namespaced ? "/namespaces/{namespace}/" : "/") + type.Plural + "/{name}";
            paths[prefix] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = "patch" + type.Kind,
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject
                    {
                        ["group"] = type.Group,
                        ["version"] = type.Version,
                        ["kind"] = type.Kind,
                    },
                    ["parameters"] = new JsonArray(
                        Query("dryRun"), Query("fieldManager"), Query("fieldValidation"), Query("force")),
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string" },
        ["uniqueItems"] = true,
    };

    private IEnumerable<(string Group, string Version, string Path)> GroupVersions() =>
        catalog.All.Select(t => (t.Group, t.Version, t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}")).Distinct();
}
