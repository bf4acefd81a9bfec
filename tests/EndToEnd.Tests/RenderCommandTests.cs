using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>The <c>render</c> command of the built program, with settings from the command line.</summary>
public sealed class RenderCommandTests
{
    [Fact]
    public async Task Render_AsAProgram_PrintsTheObjects_WithTheNamespaceSetting()
    {
        var assembly = HandlerProcess.AssemblyPath();

        var result = await ProcessRunner.RunAsync("dotnet",
        [
            assembly, "render", "--manifest", Path.Combine(RepositoryPaths.ArgoWorkflows, "steps.yaml"),
            "--payload", Path.Combine(RepositoryPaths.GitHubWebhooks, "push", "payload.json"), "--event", "push",
            "--Handler:Namespace=builds",
        ]);

        Assert.True(result.Succeeded, result.StandardError);
        var workflow = Assert.Single(JsonNode.Parse(result.StandardOutput)!.AsArray())!;
        Assert.Equal("builds", workflow["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("Codertocat/Hello-World", workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/repo_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Render_UnderDotnetRun_ReadsTheManifestFromTheCallersDirectory_AndPrintsOnlyTheJson()
    {
        using var caller = new TempDirectory("render-caller");
        File.Copy(Path.Combine(RepositoryPaths.ArgoWorkflows, "steps.yaml"), caller.Combine("workflow.yaml"));
        var configuration = HandlerProcess.AssemblyPath().Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

        var result = await ProcessRunner.RunAsync("dotnet",
            ["run", "--no-build", "-c", configuration, "--project", Path.Combine(RepositoryPaths.Root, "src", "Api"), "--", "render", "--manifest", "workflow.yaml"],
            workingDirectory: caller.Path);

        Assert.True(result.Succeeded, result.StandardError);
        var workflow = Assert.Single(JsonNode.Parse(result.StandardOutput)!.AsArray())!;
        Assert.Equal("local/render", workflow["metadata"]!["annotations"]!["k8s-webhook-handler.io/repo_name"]!.GetValue<string>());
    }
}
