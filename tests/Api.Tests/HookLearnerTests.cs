using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing.Handler;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Which hook a delivery's headers name for delivery recovery: a repository's own, never another repository's, never a malformed one.</summary>
public sealed class HookLearnerTests
{
    private static async Task<WebhookEvent> PushAsync(long? installation = null)
    {
        var payload = GitHubPayloads.Load("push/payload.json");
        payload.Remove("installation");
        if (installation is { } id)
        {
            payload["installation"] = new JsonObject { ["id"] = id };
        }

        var json = System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString());
        return (await WebhookParser.ParseAsync("push", DeliveryId.Parse("d-1"), json, DateTimeOffset.UnixEpoch, CancellationToken.None))!;
    }

    private static HeaderDictionary Headers(string? hookId, string? target = null)
    {
        var headers = new HeaderDictionary();
        if (hookId is not null)
        {
            headers["X-GitHub-Hook-ID"] = hookId;
        }

        if (target is not null)
        {
            headers["X-GitHub-Hook-Installation-Target-Type"] = target;
        }

        return headers;
    }

    [Fact]
    public async Task ARepositoryWebhook_IsTheHookOfThePayloadsOwnRepository()
    {
        var push = await PushAsync();

        var named = HookLearner.HookOf(Headers("4711", "repository"), push);
        var unnamedTarget = HookLearner.HookOf(Headers("4711"), push);

        Assert.Equal(new WebhookHook(HookKind.Repository, 4711, push.Repository.Key), named);
        Assert.Equal(named, unnamedTarget);
    }

    [Theory]
    [InlineData("4711", "integration")]
    [InlineData("4711", "organization")]
    [InlineData("0", "repository")]
    [InlineData("-5", "repository")]
    [InlineData(" 5", "repository")]
    [InlineData("1e3", "repository")]
    [InlineData("99999999999999999999", "repository")]
    [InlineData("", "repository")]
    [InlineData(null, "repository")]
    public async Task AnAppsOrOrganizationsHook_OrAMalformedId_IsNoHookToLearn(string? hookId, string target)
    {
        var push = await PushAsync();

        Assert.Null(HookLearner.HookOf(Headers(hookId, target), push));
    }

    [Theory]
    [InlineData(DeliveryStatus.Queued, true)]
    [InlineData(DeliveryStatus.AwaitingApproval, true)]
    [InlineData(DeliveryStatus.Duplicate, false)]
    [InlineData(DeliveryStatus.Ignored, false)]
    public async Task OnlyANewDelivery_TeachesItsHook_OncePerProcess(DeliveryStatus status, bool taught)
    {
        var push = await PushAsync();
        var grains = System.Reflection.DispatchProxy.Create<IGrainFactory, LearningGrains>();
        var learner = new HookLearner(grains, Microsoft.Extensions.Logging.Abstractions.NullLogger<HookLearner>.Instance);

        learner.Learn(Headers("4711", "repository"), push, status);
        learner.Learn(Headers("4711", "repository"), push, status);

        var told = ((LearningGrains)(object)grains).Told;
        Assert.Equal(taught ? [(new WebhookHook(HookKind.Repository, 4711, push.Repository.Key), push.Delivery)] : [], told);
    }

    [Fact]
    public async Task WithoutTheTargetHeader_ADeliveryThroughAnAppInstallation_IsNoRepositoryHook()
    {
        var push = await PushAsync(installation: 42);

        Assert.Null(HookLearner.HookOf(Headers("4711"), push));
    }

    /// <summary>A grain factory whose reconciler records what it is told.</summary>
    public class LearningGrains : System.Reflection.DispatchProxy
    {
        public List<(WebhookHook Hook, DeliveryId TaughtBy)> Told { get; } = [];

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            var reconciler = Create<IDeliveryRecoveryGrain, LearningReconciler>();
            ((LearningReconciler)(object)reconciler).Told = Told;
            return reconciler;
        }
    }

    public class LearningReconciler : System.Reflection.DispatchProxy
    {
        public List<(WebhookHook Hook, DeliveryId TaughtBy)> Told { get; set; } = [];

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            Assert.Equal(nameof(IDeliveryRecoveryGrain.Learn), targetMethod?.Name);
            Told.Add(((WebhookHook)args![0]!, (DeliveryId)args[1]!));
            return Task.CompletedTask;
        }
    }
}
