using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Fixtures;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// The spans of one delivery's processing over a real git server and the API emulator: the git fetch, the manifest's
/// steps and every Kubernetes call are children of the attempt's span, in its trace.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class ProcessingTraceTests(GitServerFixture git) : IClassFixture<GitServerFixture>, IAsyncLifetime
{
    private const string Manifest = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: traced-}\n";
    private readonly TempDirectory _data = new("processing-trace");
    private readonly RecordedSpans _spans = new();
    private ApplierHarness _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync()
    {
        _spans.Dispose();
        await _cluster.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Push_GitFetchManifestStepsAndKubernetesCalls_AreChildrenOfTheAttempt()
    {
        var repository = await git.Server.CreateRepositoryAsync("owner/traced-" + Guid.NewGuid().ToString("N")[..8]);
        var head = await repository.CommitFileAsync("main", ".ci/workflow.yaml", Manifest);
        var url = git.Server.GitUrl(repository.FullName).ToString();
        var push = TestEvents.Push(repository.FullName, after: head) with { Repository = new RepositoryFacts(repository.FullName, url, url, url, "main") };
        var options = new GitOptions { AllowedRemotes = [git.Server.GitRoot.ToString()], CloneUrl = CloneUrlSource.GitUrl };
        var processor = _cluster.Processor(new ProcessorSettings { Git = options }, Mirrors.Create(options, _data.Path));

        ProcessingResult result;
        ActivityContext attempt;
        using (var process = HandlerActivities.Source.StartActivity(HandlerActivities.Process, ActivityKind.Internal, default(ActivityContext)))
        {
            attempt = process!.Context;
            result = await processor.ProcessAsync(push, null, CancellationToken.None);
        }

        Assert.Equal(DeliveryState.Applied, result.State);
        var children = _spans.Handler.Where(a => a.TraceId == attempt.TraceId && a.ParentSpanId == attempt.SpanId).ToList();
        Assert.Equal(["manifest read", "manifest stamp", "manifest plan"], children.Select(a => a.OperationName).Where(n => !n.StartsWith("kubernetes ", StringComparison.Ordinal)));
        var read = Assert.Single(children, a => a.OperationName == "manifest read");
        Assert.Equal(("read", 1, head), (read.GetTagItem(HandlerActivities.OutcomeTag), read.GetTagItem(HandlerActivities.ObjectsTag), read.GetTagItem(HandlerActivities.RevisionTag)));

        // The manifest is read from the mirror, which fetches the pushed commit first.
        var fetch = Assert.Single(_spans.Handler, a => a.TraceId == attempt.TraceId && a.OperationName == "git fetch");
        Assert.Equal((read.SpanId, "fetched", repository.FullName.ToLowerInvariant()), (fetch.ParentSpanId, fetch.GetTagItem(HandlerActivities.OutcomeTag), fetch.GetTagItem(HandlerActivities.RepositoryTag)));
        var create = Assert.Single(children, a => a.OperationName == "kubernetes create");
        Assert.Equal(("create", "workflows", 201), (create.GetTagItem(HandlerActivities.KubernetesVerbTag), create.GetTagItem(HandlerActivities.KubernetesResourceTag), create.GetTagItem(HandlerActivities.StatusCodeTag)));
    }
}
