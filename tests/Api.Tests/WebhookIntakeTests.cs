using System.Reflection;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Telemetry;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>What intake decides before, and instead of, reading a body: nothing here reaches a grain.</summary>
public sealed class WebhookIntakeTests
{
    private const string Secret = "intake-secret";
    private const long Cap = 25 * 1024 * 1024;

    /// <summary>Instruments nobody listens to.</summary>
    internal static HandlerMetrics UnobservedMetrics() => new ServiceCollection().AddHandlerMetrics().BuildServiceProvider().GetRequiredService<HandlerMetrics>();

    internal static WebhookIntake Intake(HandlerMetrics? metrics = null) => Intake(new WebhookOptions { WebhookSecrets = [Secret], MaxBodyBytes = Cap }, metrics);

    internal static WebhookIntake Intake(WebhookOptions settings, HandlerMetrics? metrics = null, IGrainFactory? grains = null)
    {
        var options = Options.Create(settings);
        grains ??= DispatchProxy.Create<IGrainFactory, NoGrains>();
        return new WebhookIntake(new SignatureVerifier(options), grains, new HookLearner(grains, NullLogger<HookLearner>.Instance), options, TimeProvider.System,
            metrics ?? UnobservedMetrics(), NullLogger<WebhookIntake>.Instance);
    }

    internal static (DefaultHttpContext Context, WatchedBody Body) Request(long contentLength, params (string Name, string Value)[] headers) =>
        Request(new byte[16], contentLength, headers);

    internal static (DefaultHttpContext Context, WatchedBody Body) Request(byte[] content, long contentLength, params (string Name, string Value)[] headers)
    {
        var body = new WatchedBody(content);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = contentLength;
        context.Request.Body = body;
        context.Request.Headers["X-GitHub-Event"] = "push";
        context.Request.Headers["X-GitHub-Delivery"] = "intake-1";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return (context, body);
    }

    private static (int Status, string Reason) Refusal(IResult result)
    {
        var json = Assert.IsType<JsonHttpResult<WebhookError>>(result);
        return (json.StatusCode!.Value, json.Value!.Error);
    }

    [Fact]
    public async Task MissingSignature_Is401_BeforeAnyOfTheBodyIsRead()
    {
        var (context, body) = Request(Cap);

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((401, "missing X-Hub-Signature-256"), refusal);
        Assert.False(body.WasRead);
    }

    [Fact]
    public async Task MalformedSignature_Is401_BeforeAnyOfTheBodyIsRead()
    {
        var (context, body) = Request(Cap, ("X-Hub-Signature-256", "sha256=abc"));

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((401, "X-Hub-Signature-256 is not sha256= followed by 64 hex digits"), refusal);
        Assert.False(body.WasRead);
    }

    [Fact]
    public async Task ContentLengthOverTheCap_Is413_BeforeAnyOfTheBodyIsRead()
    {
        var (context, body) = Request(Cap + 1, ("X-Hub-Signature-256", WebhookClient.Sign(Secret, [])));

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((413, $"body larger than {Cap} bytes"), refusal);
        Assert.False(body.WasRead);
    }

    [Theory]
    [InlineData("Push")]
    [InlineData("push; rm")]
    public async Task MalformedEventHeader_Is400_BeforeAnyOfTheBodyIsRead(string eventType)
    {
        var (context, body) = Request(10, ("X-GitHub-Event", eventType));

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((400, "X-GitHub-Event is not [a-z_]{1,64}"), refusal);
        Assert.False(body.WasRead);
    }

    [Fact]
    public async Task WrongSignature_OnALargeBody_Is401_AfterItWasReadAndHashed()
    {
        var content = new byte[3 * 1024 * 1024];
        var (context, body) = Request(content, content.Length, ("X-Hub-Signature-256", WebhookClient.Sign("not-the-secret", content)));

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((401, "signature does not match"), refusal);
        Assert.True(body.WasRead);
    }

    [Fact]
    public async Task SignedHostilePayload_Is400_AndReachesNoGrain()
    {
        var payload = GitHubPayloads.Load("push/payload.json");
        payload["ref"] = "refs/heads/../x";
        payload["padding"] = new string('p', 200 * 1024);
        var content = System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString());
        var (context, _) = Request(content, content.Length, ("X-Hub-Signature-256", WebhookClient.Sign(Secret, content)));

        var (status, reason) = Refusal(await Intake().HandleAsync(context));

        Assert.Equal(400, status);
        Assert.StartsWith("ref is not a valid branch or tag", reason);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "json=%7B%7D&other=1")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-8", "payloads=%7B%7D")]
    [InlineData("APPLICATION/X-WWW-FORM-URLENCODED", "payload")]
    [InlineData("application/x-www-form-urlencoded", "")]
    public async Task SignedFormBodyWithoutAPayloadField_Is400_AndReachesNoGrain(string contentType, string form)
    {
        var content = System.Text.Encoding.UTF8.GetBytes(form);
        var (context, _) = Request(content, content.Length, ("X-Hub-Signature-256", WebhookClient.Sign(Secret, content)));
        context.Request.ContentType = contentType;

        var refusal = Refusal(await Intake().HandleAsync(context));

        Assert.Equal((400, "form body without a payload field"), refusal);
    }

    [Theory]
    [InlineData(DeliveryStatus.Queued, "queued")]
    [InlineData(DeliveryStatus.Duplicate, "duplicate")]
    [InlineData(DeliveryStatus.Ignored, "ignored")]
    [InlineData(DeliveryStatus.AwaitingApproval, "awaiting-approval")]
    public async Task SignedPullRequest_IsAnsweredWithTheGrainsStatus_InKebabCase(DeliveryStatus status, string answer)
    {
        var options = Options.Create(new WebhookOptions { WebhookSecrets = [Secret], MaxBodyBytes = Cap });
        var grains = DispatchProxy.Create<IGrainFactory, AnsweringGrains>();
        ((AnsweringGrains)(object)grains).Status = status;
        var intake = new WebhookIntake(new SignatureVerifier(options), grains, new HookLearner(grains, NullLogger<HookLearner>.Instance), options, TimeProvider.System,
            UnobservedMetrics(), NullLogger<WebhookIntake>.Instance);
        var content = System.Text.Encoding.UTF8.GetBytes(GitHubPayloads.Load("pull_request/opened.payload.json").ToJsonString());
        var (context, _) = Request(content, content.Length, ("X-Hub-Signature-256", WebhookClient.Sign(Secret, content)), ("X-GitHub-Event", "pull_request"));

        var accepted = Assert.IsType<Accepted<WebhookAnswer>>(await intake.HandleAsync(context));

        Assert.Equal(new WebhookAnswer("intake-1", answer), accepted.Value);
    }

    /// <summary>A grain factory whose repository grains answer every delivery with <see cref="Status"/>.</summary>
    public class AnsweringGrains : DispatchProxy
    {
        public DeliveryStatus Status { get; set; }

        /// <summary>When set, what every delivery fails with instead.</summary>
        public Exception? Failure { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            Assert.Equal(nameof(IGrainFactory.GetGrain), targetMethod?.Name);
            var grain = DispatchProxy.Create<IRepositoryGrain, AnsweringGrain>();
            ((AnsweringGrain)(object)grain).Status = Status;
            ((AnsweringGrain)(object)grain).Failure = Failure;
            return grain;
        }
    }

    /// <summary>A repository grain that answers <see cref="IRepositoryGrain.Enqueue"/> with <see cref="Status"/> (or fails with <see cref="Failure"/>), and nothing else.</summary>
    public class AnsweringGrain : DispatchProxy
    {
        public DeliveryStatus Status { get; set; }

        public Exception? Failure { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name != nameof(IRepositoryGrain.Enqueue) ? throw new InvalidOperationException($"{targetMethod?.Name} was called")
            : Failure is { } failure ? Task.FromException<DeliveryStatus>(failure)
            : Task.FromResult(Status);
    }

    /// <summary>A grain factory that must never be used.</summary>
    public class NoGrains : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name} was called: intake reached a grain");
    }

    /// <summary>A body that records whether anything read it.</summary>
    internal sealed class WatchedBody(byte[] content) : MemoryStream(content)
    {
        public bool WasRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Record(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Record(base.Read(buffer));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Record(base.Read(buffer.Span)));

        private int Record(int read)
        {
            WasRead = true;
            return read;
        }
    }
}
