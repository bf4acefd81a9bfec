using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Resources;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>The legacy discovery documents: <c>/version</c>, <c>/api</c>, <c>/apis</c> and per group-version lists.</summary>
public sealed class Discovery(ResourceCatalog catalog)
{
    public const string GitVersion = "v1.32.0-emulator";

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(catalog.Groups().Select(g => (JsonNode)Group(g.Group, g.Versions)).ToArray()),
    };

    public JsonObject? Group(string group)
    {
        var match = catalog.Groups().FirstOrDefault(g => g.Group == group);
        if (match.Group is null)
        {
            return null;
        }

        var result = Group(match.Group, match.Versions);
        result["kind"] = "APIGroup";
        result["apiVersion"] = "v1";
        return result;
    }

    public JsonObject? Resources(string group, string version)
    {
        var types = catalog.InGroupVersion(group, version);
        if (types.Count == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = new JsonArray(types.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(t.Verbs.Select(v => (JsonNode)v).ToArray()),
                ["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)s).ToArray()),
            }).ToArray()),
        };
    }

    private static JsonObject Group(string name, IReadOnlyList<string> versions)
    {
        var entries = versions.Select(v => new JsonObject { ["groupVersion"] = $"{name}/{v}", ["version"] = v }).ToArray();
        return new JsonObject
        {
            ["name"] = name,
            ["versions"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray()),
            ["preferredVersion"] = entries[0].DeepClone(),
        };
    }
}
