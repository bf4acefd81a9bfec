using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class SupersedePolicyTests
{
    private const string Annotation = "k8s-webhook-handler.io/supersede";

    [Theory]
    [InlineData(SupersedeMode.Stop, SupersedeMode.None, "terminate", SupersedeMode.Terminate, SupersedeMode.None)]
    [InlineData(SupersedeMode.Stop, SupersedeMode.None, "none", SupersedeMode.None, SupersedeMode.None)]
    [InlineData(SupersedeMode.Terminate, SupersedeMode.None, "Stop", SupersedeMode.Stop, SupersedeMode.None)]
    [InlineData(SupersedeMode.Delete, SupersedeMode.Delete, "delete", SupersedeMode.Delete, SupersedeMode.Delete)]
    [InlineData(SupersedeMode.Delete, SupersedeMode.Delete, "stop", SupersedeMode.Stop, SupersedeMode.None)]
    [InlineData(SupersedeMode.Delete, SupersedeMode.None, "terminate", SupersedeMode.Terminate, SupersedeMode.None)]
    public void ANarrowerMode_IsTaken(SupersedeMode mode, SupersedeMode otherKinds, string requested, SupersedeMode workflows, SupersedeMode others)
    {
        var policy = SupersedePolicy.Requested(requested, new SupersedePolicy(mode, otherKinds));

        Assert.Equal(new SupersedePolicy(workflows, others), policy);
    }

    [Fact]
    public void NoAnnotation_IsTheConfiguredPolicy()
    {
        var configured = new SupersedePolicy(SupersedeMode.Terminate, SupersedeMode.Delete);

        Assert.Same(configured, SupersedePolicy.Requested(null, configured));
    }

    [Theory]
    [InlineData(SupersedeMode.Stop, SupersedeMode.None, "delete")]
    [InlineData(SupersedeMode.None, SupersedeMode.None, "stop")]
    [InlineData(SupersedeMode.None, SupersedeMode.None, "terminate")]
    [InlineData(SupersedeMode.Delete, SupersedeMode.None, "delete")]
    public void AWiderMode_IsRefused(SupersedeMode mode, SupersedeMode otherKinds, string requested)
    {
        var error = Assert.Throws<DeliveryRefusedException>(() => SupersedePolicy.Requested(requested, new SupersedePolicy(mode, otherKinds)));

        Assert.Equal(
            $"{Annotation}: \"{requested}\" asks for more than this handler is configured for (Handler:Supersede:Mode={mode}, OtherKinds={otherKinds}); a manifest may only narrow it",
            error.Message);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("stop, delete")]
    [InlineData(" stop")]
    [InlineData("cancel")]
    [InlineData("")]
    public void AnUnknownMode_IsRefused(string requested)
    {
        var error = Assert.Throws<DeliveryRefusedException>(() => SupersedePolicy.Requested(requested, new SupersedePolicy(SupersedeMode.Delete, SupersedeMode.Delete)));

        Assert.Equal($"{Annotation}: \"{requested}\" is not a mode; use stop, terminate, delete or none", error.Message);
    }
}
