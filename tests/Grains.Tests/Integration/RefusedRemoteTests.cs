using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// A payload's remote that policy refuses is a final <c>rejected</c> outcome through the real mirror, the revision
/// graph and the processor: nothing is fetched, nothing applied, and the supersede decision does not stand in the way.
/// </summary>
[Collection(Libgit2Collection.Name)]
public sealed class RefusedRemoteTests : IDisposable
{
    private readonly TempDirectory _data = new("refused-remote");
    private readonly NothingSink _sink = new();
    private readonly DeliveryProcessor _processor;
    private readonly SupersedeDecider _decider;

    public RefusedRemoteTests()
    {
        var settings = new ProcessorSettings();
        var mirror = Mirrors.Create(settings.Git, _data.Path);
        _decider = settings.Decider(new GitRevisionGraph(mirror, Options.Create(settings.Git)));
        _processor = settings.Processor(mirror, new OfflineKindResolver(), _sink, _sink);
    }

    public void Dispose() => _data.Dispose();

    private static WebhookEvent From(string cloneUrl, WebhookEvent e) => e with { Repository = e.Repository with { CloneUrl = cloneUrl } };

    private static WebhookEvent PushFrom(string cloneUrl) => From(cloneUrl, TestEvents.Push("owner/repo", after: TestEvents.Sha(2), before: TestEvents.Sha(1)));

    [Theory]
    [InlineData("foo://host/x.git", "the remote foo://host/x.git uses the scheme 'foo'; only https, http and git remotes are supported")]
    [InlineData("/var/lib/other.git", "the remote /var/lib/other.git is not an absolute URL with a scheme (local paths are never fetched)")]
    [InlineData("https://github.com.evil.com/owner/repo.git", "the remote https://github.com.evil.com/owner/repo.git is not under any of Handler:Git:AllowedRemotes")]
    public async Task Push_IsRejectedWithTheReason_AndNothingIsApplied(string cloneUrl, string reason)
    {
        var result = await _processor.ProcessAsync(PushFrom(cloneUrl), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Rejected, reason), (result.State, result.Reason));
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public async Task Deletion_IsRejectedBeforeAnyWorkflowIsStopped()
    {
        var deletion = From("ext::sh", TestEvents.Push("owner/repo", "feature", after: "", eventType: "delete"));

        var result = await _processor.ProcessAsync(deletion, null, CancellationToken.None);

        Assert.Equal((DeliveryState.Rejected, "the remote ext::sh uses the scheme 'ext'; only https, http and git remotes are supported"), (result.State, result.Reason));
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public async Task SupersedeDecision_LeavesARefusedRemoteToTheProcessor()
    {
        var push = PushFrom("foo://host/x.git");
        var applied = new RefRecord(push.Ref, TestEvents.Sha(7), push.Delivery, [], DateTimeOffset.UtcNow);

        var decision = await _decider.DecideAsync(push, applied, [PushFrom("foo://host/x.git") with { Revision = TestEvents.Sha(3) }], CancellationToken.None);

        Assert.Null(decision);
    }

    private sealed class NothingSink : IClusterWriter, IWorkflowStopper
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<AppliedObject>> ApplyAsync(ObjectPlan plan, WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
            Called<IReadOnlyList<AppliedObject>>([]);

        public Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep, IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken) =>
            Called<IReadOnlyList<AppliedObject>>([]);

        public Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Called(true);

        public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Called(true);

        private Task<T> Called<T>(T value)
        {
            Calls++;
            return Task.FromResult(value);
        }
    }
}
