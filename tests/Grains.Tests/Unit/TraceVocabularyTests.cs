using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What a Kubernetes call's span is named and tagged with, and how many deliveries' traces a grain keeps.</summary>
public sealed class TraceVocabularyTests
{
    [Theory]
    [InlineData("POST", "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows?fieldManager=h", "create", "workflows")]
    [InlineData("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/build-1", "patch", "workflows")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/build-1", "get", "workflows")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows?labelSelector=a%3Db", "list", "workflows")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1/workflows?watch=true&resourceVersion=5", "watch", "workflows")]
    [InlineData("DELETE", "/api/v1/namespaces/ci-feature", "delete", "namespaces")]
    [InlineData("DELETE", "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows", "deletecollection", "workflows")]
    [InlineData("PUT", "/api/v1/namespaces/ci/configmaps/c", "update", "configmaps")]
    [InlineData("GET", "/k8s/clusters/c-1/api/v1/namespaces/ci/pods", "list", "pods")]
    [InlineData("GET", "/apis/argoproj.io/v1alpha1", "list", "")]
    [InlineData("GET", "/apis", "list", "")]
    public void KubernetesCall_IsNamedForItsVerbAndResource(string method, string path, string verb, string resource)
    {
        Assert.Equal((verb, resource), KubernetesCallActivity.Describe(new HttpMethod(method), path));
    }

    [Fact]
    public void DeliveryTraces_BeyondCapacity_ForgetTheOldest()
    {
        var traces = new DeliveryTraces();
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        for (var i = 0; i <= DeliveryTraces.Capacity; i++)
        {
            traces.Remember(DeliveryId.Parse($"d-{i}"), context);
        }

        Assert.Equal((default(ActivityContext), context), (traces.Of(DeliveryId.Parse("d-0")), traces.Of(DeliveryId.Parse("d-1"))));
    }

    [Fact]
    public void DeliveryTraces_Forgotten_IsANewTrace()
    {
        var traces = new DeliveryTraces();
        var delivery = DeliveryId.Parse("d-forgotten");
        traces.Remember(delivery, new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded));

        traces.Forget(delivery);

        Assert.Equal(default, traces.Of(delivery));
    }
}
