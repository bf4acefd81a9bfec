using System.Text.Json.Nodes;
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

    [Fact]
    public async Task WithoutTheTargetHeader_ADeliveryThroughAnAppInstallation_IsNoRepositoryHook()
    {
        var push = await PushAsync(installation: 42);

        Assert.Null(HookLearner.HookOf(Headers("4711"), push));
    }
}
