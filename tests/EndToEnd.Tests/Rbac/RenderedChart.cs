using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Kubernetes;

namespace K8sWebhookHandler.EndToEnd.Tests.Rbac;

/// <summary>The Helm chart as the real <c>helm template</c> renders it, read into JSON objects.</summary>
public sealed partial class RenderedChart
{
    public static readonly string ChartDirectory = Path.Combine(RepositoryPaths.Root, "charts", "k8s-webhook-handler");

    private RenderedChart(IReadOnlyList<JsonObject> objects) => Objects = objects;

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>The one value the chart cannot default, Redis's host (the chart's <c>ci/default-values.yaml</c>).</summary>
    public static readonly string DefaultValues = Path.Combine(ChartDirectory, "ci", "default-values.yaml");

    /// <summary>Renders the chart as release <c>hooks</c> in <paramref name="releaseNamespace"/> with the defaults, then the values files in order.</summary>
    public static async Task<RenderedChart> RenderAsync(string helmHome, string releaseNamespace, IEnumerable<string> valuesFiles)
    {
        if (Helm.Find() is null)
        {
            Assert.Fail(Helm.InstallAdvice);
        }

        string[] arguments = ["template", "hooks", ChartDirectory, "--namespace", releaseNamespace, .. new[] { DefaultValues }.Concat(valuesFiles).SelectMany(f => new[] { "-f", f })];
        var result = await Helm.RunAsync(helmHome, arguments);
        Assert.True(result.Succeeded, $"helm {string.Join(' ', arguments)}:\n{result.StandardError}\n{result.StandardOutput}");
        return new RenderedChart(DocumentSeparator().Split(result.StandardOutput).Select(YamlBody.Parse).OfType<JsonObject>().ToList());
    }

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<JsonObject> OfKind(params string[] kinds) => Objects.Where(o => kinds.Contains(o["kind"]?.GetValue<string>()));

    /// <summary>
    /// The settings the chart gives the silos, as an operator's environment for a local handler: plain values only
    /// (secrets come from a Secret), without the cluster's own addresses, ports and data directory.
    /// </summary>
    public IReadOnlyDictionary<string, string> SiloSettings()
    {
        var silo = Assert.Single(OfKind("Deployment"), d => d["metadata"]!["name"]!.GetValue<string>().EndsWith("-silo", StringComparison.Ordinal));
        return silo["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Select(e => (Name: e!["name"]!.GetValue<string>(), Value: e["value"]?.GetValue<string>()))
            .Where(e => e.Value is not null && !e.Name.StartsWith("Handler__Cluster__", StringComparison.Ordinal) && e.Name is not ("Handler__DataDirectory" or "ASPNETCORE_URLS" or "Handler__Management__Urls"))
            .ToDictionary(e => e.Name, e => e.Value!);
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
