using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>The real <c>helm</c> on the chart, as release <c>hooks</c> in namespace <c>ci</c>, with a private helm home.</summary>
public sealed class ChartRenderer : IDisposable
{
    public static readonly string ChartDirectory = Path.Combine(RepositoryPaths.Root, "charts", "k8s-webhook-handler");

    /// <summary>The defaults: the chart's values and the one value it cannot default, Redis's host.</summary>
    public static readonly string DefaultValues = Path.Combine(ChartDirectory, "ci", "default-values.yaml");

    /// <summary>A production install: existing secrets, three silos, Redis over TLS, allowed and branch namespaces, ingress.</summary>
    public static readonly string ProductionValues = Path.Combine(ChartDirectory, "ci", "production-values.yaml");

    /// <summary>Every optional part switched on, with a token.</summary>
    public static readonly string TestValues = Path.Combine(ChartDirectory, "ci", "test-values.yaml");

    /// <summary>A GitHub App whose private key is in an existing Secret, under a key of its own.</summary>
    public static readonly string GitHubAppValues = Path.Combine(ChartDirectory, "ci", "github-app-values.yaml");

    private readonly TempDirectory _directory = new("chart");

    /// <summary>The arguments for a values file of the chart's <c>ci</c> folder; the defaults for an empty name.</summary>
    public static string[] CiValues(string file) => ["-f", file.Length == 0 ? DefaultValues : Path.Combine(ChartDirectory, "ci", file)];

    public ChartRenderer()
    {
        if (Helm.Find() is null)
        {
            Assert.Fail(Helm.InstallAdvice);
        }
    }

    /// <summary>A path in this renderer's temporary directory.</summary>
    public string Combine(string name) => _directory.Combine(name);

    /// <summary>Runs helm, whether it succeeds or not.</summary>
    public Task<CommandResult> TryHelmAsync(params string[] arguments) => Helm.RunAsync(_directory.Combine("helm-home"), arguments);

    /// <summary>Runs helm and returns its output; fails the test with helm's own words if helm fails.</summary>
    public async Task<string> HelmAsync(params string[] arguments)
    {
        var result = await TryHelmAsync(arguments);
        Assert.True(result.Succeeded, $"helm {string.Join(' ', arguments)}:\n{result.StandardError}\n{result.StandardOutput}");
        return result.StandardOutput;
    }

    /// <summary>The arguments of <c>helm template</c> with the defaults, then <paramref name="extra"/> (values files, <c>--set</c>).</summary>
    public static string[] Template(params string[] extra) => TemplateWithoutDefaults(["-f", DefaultValues, .. extra]);

    /// <summary>The arguments of <c>helm template</c> with <paramref name="extra"/> only: no Redis unless it names one.</summary>
    public static string[] TemplateWithoutDefaults(params string[] extra) => ["template", "hooks", ChartDirectory, "--namespace", "ci", .. extra];

    /// <summary>The rendered objects.</summary>
    public async Task<IReadOnlyList<JsonObject>> RenderAsync(params string[] extra) => Read(await HelmAsync(Template(extra)));

    /// <summary>Rendered YAML as objects.</summary>
    public static IReadOnlyList<JsonObject> Read(string yaml) => new ManifestReader(new ManifestOptions { MaxObjects = 100 }).Read(yaml);

    public void Dispose() => _directory.Dispose();
}

/// <summary>Reading rendered objects.</summary>
public static class Rendered
{
    public static string Kind(JsonObject o) => o["kind"]!.GetValue<string>();

    public static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    /// <summary>The one object of <paramref name="kind"/> whose name ends in <paramref name="nameSuffix"/>.</summary>
    public static JsonObject One(IReadOnlyList<JsonObject> objects, string kind, string? nameSuffix = null) =>
        Assert.Single(objects, o => Kind(o) == kind && (nameSuffix is null || Name(o).EndsWith(nameSuffix, StringComparison.Ordinal)));

    public static JsonObject PodSpec(JsonObject deployment) => (JsonObject)deployment["spec"]!["template"]!["spec"]!;

    public static JsonObject Container(JsonObject deployment) => (JsonObject)PodSpec(deployment)["containers"]![0]!;

    public static IEnumerable<JsonObject> Env(JsonObject container) => container["env"]!.AsArray().Cast<JsonObject>();

    /// <summary>The container's env entries of one name.</summary>
    public static IReadOnlyList<JsonObject> EnvNamed(JsonObject container, string name) => Env(container).Where(e => e["name"]!.GetValue<string>() == name).ToList();

    public static JsonObject PodMetadata(JsonObject deployment) => (JsonObject)deployment["spec"]!["template"]!["metadata"]!;

    /// <summary>The container's plain env values by name (null for those from a secret or field).</summary>
    public static Dictionary<string, string?> EnvValues(JsonObject container) =>
        Env(container).ToDictionary(e => e["name"]!.GetValue<string>(), e => e["value"]?.GetValue<string>());

    /// <summary>The <c>secretKeyRef</c> (Secret name, key) an env var is read from.</summary>
    public static (string Secret, string Key) SecretKeyRef(JsonObject container, string name)
    {
        var reference = Assert.Single(Env(container), e => e["name"]!.GetValue<string>() == name)["valueFrom"]!["secretKeyRef"]!;
        return (reference["name"]!.GetValue<string>(), reference["key"]!.GetValue<string>());
    }

    /// <summary>The Role's or ClusterRole's verbs on one resource.</summary>
    public static IReadOnlyList<string> Verbs(JsonObject role, string group, string resource) =>
        Assert.Single(role["rules"]!.AsArray(), r => r!["apiGroups"]![0]!.GetValue<string>() == group && r["resources"]![0]!.GetValue<string>() == resource)!
            ["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
}
