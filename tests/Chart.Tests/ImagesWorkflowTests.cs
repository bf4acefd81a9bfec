using System.Text.Json.Nodes;
using K8sWebhookHandler.KubeApiEmulator.Http;
using K8sWebhookHandler.Testing;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// The workflow that publishes the images and the chart (.github/workflows/images.yaml) cannot run here; what can be
/// checked is that it publishes both images for both architectures where the chart's defaults pull them from (for the
/// project's own organisation), from Dockerfiles that cross-compile rather than emulate.
/// </summary>
public sealed class ImagesWorkflowTests
{
    private const string Owner = "k8s-webhook-handler";

    private static readonly JsonObject Workflow =
        YamlBody.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".github", "workflows", "images.yaml")))!.AsObject();

    private static readonly JsonObject Values =
        YamlBody.Parse(File.ReadAllText(Path.Combine(ChartRenderer.ChartDirectory, "values.yaml")))!.AsObject();

    [Fact]
    public void RunsOnVersionTags_ForBothComponents_OnBothArchitectures()
    {
        var job = Workflow["jobs"]!["image"]!;
        var build = Step(job, "docker/build-push-action");

        Assert.Equal(["v*.*.*"], Workflow["on"]!["push"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["silo", "api"], job["strategy"]!["matrix"]!["component"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["linux/amd64", "linux/arm64"], build["with"]!["platforms"]!.GetValue<string>().Split(','));
        Assert.Equal("true", build["with"]!["push"]!.ToString());
    }

    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("api", "Api")]
    public void PublishesEachImage_WhereTheChartsDefaultsPullIt_FromItsDockerfile(string component, string folder)
    {
        var job = Workflow["jobs"]!["image"]!;
        var published = Step(job, "docker/metadata-action")["with"]!["images"]!.GetValue<string>()
            .Replace("${{ github.repository_owner }}", Owner, StringComparison.Ordinal)
            .Replace("${{ matrix.component }}", component, StringComparison.Ordinal);
        var image = Values[component]!["image"]!;
        var registry = image["registry"]!.GetValue<string>() is { Length: > 0 } own ? own : Values["image"]!["registry"]!.GetValue<string>();
        var file = Step(job, "docker/build-push-action")["with"]!["file"]!.GetValue<string>();
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", folder, "Dockerfile"));

        Assert.Equal($"{registry}/{image["repository"]!.GetValue<string>()}", published);
        Assert.Equal("src/${{ matrix.component == 'silo' && 'Silo' || 'Api' }}/Dockerfile", file);
        Assert.Contains("FROM --platform=$BUILDPLATFORM ", dockerfile, StringComparison.Ordinal);
        Assert.Contains(" -a $TARGETARCH ", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishesTheChart_AfterTheImages_VersionedLikeThem()
    {
        var job = Workflow["jobs"]!["chart"]!;
        var script = job["steps"]!.AsArray().Select(s => s!["run"]?.GetValue<string>()).Single(r => r is not null)!;

        Assert.Equal("image", job["needs"]!.GetValue<string>());
        Assert.Contains("--version \"$version\" --app-version \"$version\"", script, StringComparison.Ordinal);
        Assert.Contains("oci://ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/charts", script, StringComparison.Ordinal);
    }

    private static JsonNode Step(JsonNode job, string action) =>
        job["steps"]!.AsArray().Single(s => s!["uses"]?.GetValue<string>().StartsWith(action + "@", StringComparison.Ordinal) == true)!;
}
