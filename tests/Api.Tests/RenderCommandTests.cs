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

    [Theory]
    [InlineData("pull_request/synchronize.payload.json", "pull_request", "synchronize", "refs/pull/2/head", "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")]
    [InlineData("pull_request/closed.payload.json", "pull_request", "closed", "refs/pull/2/head", "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")]
    [InlineData("merge_group/checks_requested.payload.json", "merge_group", "checks_requested",
        "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64", "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d",
        "380387fbc80638b734a49e1be1c4dfec1c01b33c")]
    public async Task Render_WithAPullRequestOrMergeGroupPayload_StampsItsRefAndCommits(string payload, string eventType, string action, string gitRef,
        string revision, string before)
    {
        var (exit, output, error) = await RenderAsync("--manifest", Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml"),
            "--payload", Path.Combine(RepositoryPaths.GitHubWebhooks, payload), "--event", eventType);

        Assert.True(exit == 0, error);
        var annotations = Assert.Single(JsonNode.Parse(output)!.AsArray())!["metadata"]!["annotations"]!;
        string Annotation(string name) => annotations[$"k8s-webhook-handler.io/{name}"]!.GetValue<string>();
        Assert.Equal((gitRef, revision, before), (Annotation("ref"), Annotation("revision"), Annotation("before")));
        Assert.Equal((eventType, action), (Annotation("event_type"), Annotation("event_action")));
    }

    [Fact]
    public async Task Render_WithAPayloadOfAnotherEvent_ExitsOneWithTheFieldThatIsMissing()
    {
        var (exit, output, error) = await RenderAsync("--manifest", Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml"),
            "--payload", Path.Combine(RepositoryPaths.GitHubWebhooks, "push", "payload.json"), "--event", "pull_request");

        Assert.Equal((1, ""), (exit, output));
        Assert.Equal("render: pull_request is missing", error.Trim());
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
