using System.Text.Json.Nodes;
using K8sWebhookHandler.Api.Rendering;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

public sealed class RenderCommandTests
{
    private static async Task<(int Exit, string Output, string Error)> RenderAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await RenderCommand.RunAsync(args, new ConfigurationBuilder().Build(), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Render_WithAPushPayload_PrintsTheStampedObjectsAsAJsonArray()
    {
        var (exit, output, _) = await RenderAsync("--manifest", Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml"),
            "--payload", Path.Combine(RepositoryPaths.GitHubWebhooks, "push", "with-new-branch.payload.json"), "--event", "push");

        Assert.Equal(0, exit);
        var workflow = Assert.Single(JsonNode.Parse(output)!.AsArray())!;
        Assert.Equal("ci", workflow["metadata"]!["namespace"]!.GetValue<string>());
        Assert.StartsWith("hello-world-", workflow["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("push", workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/event_type"]!.GetValue<string>());
        Assert.Equal("This is a simple hello world example.\n", workflow["metadata"]!["annotations"]!["workflows.argoproj.io/description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Render_IsDeterministic()
    {
        var manifest = Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml");

        var first = await RenderAsync("--manifest", manifest);
        var second = await RenderAsync("--manifest", manifest);

        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task Render_ABrokenManifest_ExitsOneWithTheReason()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.yaml");
        await File.WriteAllTextAsync(path, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");

        var (exit, output, error) = await RenderAsync("--manifest", path);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("v1/Secret is not an allowed kind", error);
    }

    [Fact]
    public async Task Render_WithoutAManifest_PrintsUsage()
    {
        var (exit, _, error) = await RenderAsync();

        Assert.Equal(2, exit);
        Assert.StartsWith("usage: render --manifest FILE", error);
    }
}
