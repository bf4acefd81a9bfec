using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// What a delivery comes to when the API server (or a proxy in front of it) refuses a write: the outcome, its reason
/// word for word, and whether the grain tries again.
/// </summary>
public sealed class ApplierErrorTests : IAsyncLifetime
{
    private const string NamedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: build}\nspec: {entrypoint: main}\n";
    private const string ProxyPage = "<html>\n  <head><title>Bad Gateway</title></head>\n  <body>\tthe upstream went away</body>\n</html>\n";
    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static bool ApplyOfBuild(RecordedRequest r) => r.Method == "PATCH" && r.Path == "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/build";

    private async Task<(DeliveryState State, string? Reason, bool Transient)> ProcessAsync(ProcessorSettings? settings = null)
    {
        var result = await _harness.Processor(settings ?? new ProcessorSettings(), NamedWorkflow).ProcessAsync(TestEvents.Push("owner/repo"), null, CancellationToken.None);
        return (result.State, result.Reason, result.Transient);
    }

    public static TheoryData<int, string, string?, DeliveryState, string, bool> ErrorAnswers() => new()
    {
        { 403, "status", null, DeliveryState.Rejected, "Workflow ci/build: the handler's service account may not do this: injected fault: forbidden", false },
        { 404, "status", null, DeliveryState.Rejected, "Workflow ci/build: the API server refused it: injected fault: not found", false },
        { 409, "status", null, DeliveryState.Queued, "Workflow ci/build: it changed between being read and being written, so it is read again: Operation cannot be fulfilled: injected conflict", true },
        { 403, ProxyPage, "text/html", DeliveryState.Rejected, "Workflow ci/build: the handler's service account may not do this: <html> <head><title>Bad Gateway</title></head> <body> the upstream went away</body> </html>", false },
        { 502, ProxyPage, "text/html", DeliveryState.Queued, "Workflow ci/build: 502 BadGateway: <html> <head><title>Bad Gateway</title></head> <body> the upstream went away</body> </html>", true },
        { 404, "{\"error\":\"no route\"}", "application/json", DeliveryState.Rejected, "Workflow ci/build: the API server refused it: {\"error\":\"no route\"}", false },
        { 403, "", null, DeliveryState.Rejected, "Workflow ci/build: the handler's service account may not do this: (empty body)", false },
        { 500, "", null, DeliveryState.Queued, "Workflow ci/build: 500 InternalServerError: (empty body)", true },
    };

    [Theory]
    [MemberData(nameof(ErrorAnswers))]
    public async Task ErrorAnswerToTheApply_IsTheOutcomeWithItsReason_AndWritesNothing(int status, string body, string? contentType, DeliveryState state, string reason, bool transient)
    {
        if (body == "status")
        {
            _harness.Emulator.Faults.FailNext(1, status, ApplyOfBuild);
        }
        else
        {
            _harness.Emulator.Faults.AnswerNext(1, status, body, contentType, ApplyOfBuild);
        }

        var outcome = await ProcessAsync();
        var next = await ProcessAsync();

        Assert.Equal((state, reason, transient), outcome);
        Assert.Equal((DeliveryState.Applied, (string?)null, false), next);
        Assert.Equal(2, _harness.Emulator.Requests.Snapshot().Count(ApplyOfBuild));
    }

    [Fact]
    public async Task ApplyIntoANamespaceThatDoesNotExist_IsRejectedWithTheServersNotFound()
    {
        var options = new ProcessorSettings { Kubernetes = new KubernetesOptions { AllowedNamespaces = ["missing"] } };
        var manifest = NamedWorkflow.Replace("{name: build}", "{name: build, namespace: missing}", StringComparison.Ordinal);

        var result = await _harness.Processor(options, manifest).ProcessAsync(TestEvents.Push("owner/repo"), null, CancellationToken.None);

        Assert.Equal((DeliveryState.Rejected, "Workflow missing/build: the API server refused it: namespaces \"missing\" not found", false), (result.State, result.Reason, result.Transient));
    }

    [Fact]
    public async Task SuccessAnswerThatIsNotJson_IsTransient_NamingTheRequest()
    {
        _harness.Emulator.Faults.AnswerNext(1, 200, "<html><body>sign in</body></html>", "text/html", r => r.Method == "GET" && r.Path.EndsWith("/workflows/build", StringComparison.Ordinal));

        var outcome = await ProcessAsync();

        Assert.Equal(
            (DeliveryState.Queued, $"the Kubernetes API at {_harness.Client.BaseUri} answered GET /apis/argoproj.io/v1alpha1/namespaces/ci/workflows/build with 200 and a body that is not JSON: <html><body>sign in</body></html>", true),
            outcome);
        Assert.Null(_harness.Emulator.Find("argoproj.io", "workflows", "ci", "build"));
    }
}
