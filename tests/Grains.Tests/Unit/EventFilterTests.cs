using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What is acted on: event types and actions, and refs against <c>Handler:IgnoreRefs</c>.</summary>
public sealed class EventFilterTests
{
    private static EventFilter Filter(string? ignoreRefs) => new(new DeliveryOptions { IgnoreRefs = ignoreRefs });

    [Theory]
    [InlineData("push", "dependabot/npm", "IgnoredRef", "refs/heads/dependabot/npm matches Handler:IgnoreRefs")]
    [InlineData("delete", "dependabot/npm", "IgnoredRef", "refs/heads/dependabot/npm matches Handler:IgnoreRefs")]
    [InlineData("push", "refs/tags/dependabot/v1", null, null)]
    [InlineData("push", "main", null, null)]
    [InlineData("push", "feature/dependabot", null, null)]
    [InlineData("ping", "dependabot/npm", "Ignored", "ping")]
    public void IgnoreRefs_IsMatchedAgainstTheFullRef_AfterTheEventType(string eventType, string branch, string? state, string? reason)
    {
        var e = TestEvents.Push("o/r", branch, eventType: eventType);

        var ignored = Filter("^refs/heads/dependabot/").Ignore(e);

        Assert.Equal(state, ignored?.State.ToString());
        Assert.Equal(reason, ignored?.Reason);
    }

    [Fact]
    public void UnanchoredExpression_MatchesAnywhereInTheRef()
    {
        var ignored = Filter("dependabot").Ignore(TestEvents.Push("o/r", "feature/dependabot-bump"));

        Assert.Equal((DeliveryState.IgnoredRef, "refs/heads/feature/dependabot-bump matches Handler:IgnoreRefs"), ignored);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NoExpression_IgnoresNoRef(string? ignoreRefs)
    {
        Assert.Null(Filter(ignoreRefs).Ignore(TestEvents.Push("o/r", "dependabot/npm")));
    }

    [Fact]
    public void ExpressionThatDoesNotFinishOnARef_IgnoresIt()
    {
        var ignored = Filter("^refs/heads/(a+)+$").Ignore(TestEvents.Push("o/r", new string('a', 64) + "!"));

        Assert.Equal(DeliveryState.IgnoredRef, ignored?.State);
    }
}
