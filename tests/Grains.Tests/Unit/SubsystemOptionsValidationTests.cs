using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Each subsystem's validator accepts its defaults and refuses a bad value saying what to set (git: <see cref="GitOptionsValidationTests"/>).</summary>
public sealed class SubsystemOptionsValidationTests
{
    private static IReadOnlyList<string> Errors<T>(IValidateOptions<T> validator, T options)
        where T : class =>
        validator.Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(Errors(new KubernetesOptionsValidator(), new KubernetesOptions().WithDefaults()));
        Assert.Empty(Errors(new ManifestOptionsValidator(), new ManifestOptions()));
        Assert.Empty(Errors(new DeliveryOptionsValidator(), new DeliveryOptions()));
        Assert.Empty(Errors(new SupersedeOptionsValidator(), new SupersedeOptions()));
        Assert.Empty(Errors(new DataDirectoryOptionsValidator(), new DataDirectoryOptions()));
        Assert.Empty(Errors(new SiloEndpointsValidator(), new SiloClusterOptions()));
    }

    [Fact]
    public void KubernetesSettingsThatCannotWork_AreEachRefused()
    {
        var errors = Errors(new KubernetesOptionsValidator(), new KubernetesOptions
        {
            Namespace = "CI",
            AllowedNamespaces = ["ok", "not_ok"],
            AllowedKinds = ["Workflow"],
            BranchNamespaces = { Template = "ci-branch" },
            KubernetesRequestTimeout = TimeSpan.Zero,
            FieldManager = " ",
        });

        Assert.Equal(
        [
            "Handler:Namespace 'CI' is not a namespace name: set it to lower-case letters, digits and '-' (at most 63, e.g. ci).",
            "Handler:AllowedNamespaces entry 'not_ok' is not a namespace name: use lower-case letters, digits and '-' (at most 63).",
            "Handler:AllowedKinds entry 'Workflow' must be group/Kind, e.g. argoproj.io/Workflow or v1/ConfigMap.",
            "Handler:BranchNamespaces:Template must contain {branch}, e.g. ci-{branch}.",
            "Handler:KubernetesRequestTimeout must be positive, e.g. 00:00:10 (the default).",
            "Handler:FieldManager is empty: server-side apply needs a field manager; set it, or leave it unset for k8s-webhook-handler.",
        ], errors);
    }

    [Fact]
    public void ManifestPathOutsideTheRepositoryAndLimitsThatRefuseEverything_AreRefused()
    {
        var errors = Errors(new ManifestOptionsValidator(), new ManifestOptions { ManifestPath = "/etc/workflow.yaml", MaxDepth = 0 });

        Assert.Equal(
        [
            "Handler:ManifestPath must be a path inside the repository, e.g. .ci/workflow.yaml.",
            "Handler:Manifest:MaxBytes, MaxDepth, MaxNodes and MaxObjects must be positive (defaults 1048576, 64, 100000, 50): set them or leave them unset.",
        ], errors);
    }

    [Fact]
    public void DeliverySettingsThatCannotWork_AreEachRefused()
    {
        var errors = Errors(new DeliveryOptionsValidator(), new DeliveryOptions
        {
            IgnoreRefs = "refs/(heads",
            MaxAttempts = 0,
            RetryFor = TimeSpan.Zero,
            RetryDelay = TimeSpan.FromMinutes(10),
        });

        Assert.Equal(4, errors.Count);
        Assert.StartsWith("Handler:IgnoreRefs is not a valid regular expression: ", errors[0], StringComparison.Ordinal);
        Assert.Equal(
        [
            "Handler:MaxAttempts (when set), MaxRememberedDeliveries, HistoryLimit and MaxRefs must be positive.",
            "Handler:RetryFor must be positive, e.g. 3.00:00:00 (d.hh:mm:ss) to keep retrying through GitHub's 3-day redelivery window.",
            "Handler:RetryDelay must be positive and no more than Handler:MaxRetryDelay.",
        ], errors.Skip(1));
    }

    [Theory]
    [InlineData(SupersedeMode.Stop)]
    [InlineData(SupersedeMode.Terminate)]
    public void SupersedeOtherKindsThatOnlyArgoCanDo_AndABadRefsPattern_AreRefused(SupersedeMode otherKinds)
    {
        var errors = Errors(new SupersedeOptionsValidator(), new SupersedeOptions { Refs = "^refs/heads/[", OtherKinds = otherKinds });

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Handler:Supersede:Refs is not a valid regular expression: ", errors[0], StringComparison.Ordinal);
        Assert.Equal("Handler:Supersede:OtherKinds must be None or Delete: only Argo Workflows can be stopped.", errors[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void EmptyDataDirectory_IsRefused(string directory)
    {
        Assert.Equal(
            ["Handler:DataDirectory is empty: set it to a writable directory for state and git mirrors."],
            Errors(new DataDirectoryOptionsValidator(), new DataDirectoryOptions { DataDirectory = directory }));
    }

    [Fact]
    public void ClusterWithoutRedisOrIds_IsRefused()
    {
        var errors = Errors(new SiloClusterOptionsValidator(), new SiloClusterOptions { ServiceId = "" });

        Assert.Equal(
        [
            "Handler:Cluster:RedisConnectionString is empty: set it (Handler__Cluster__RedisConnectionString=redis:6379) for cluster mode.",
            "Handler:Cluster:ClusterId and ServiceId must not be empty: leave them unset (k8s-webhook-handler), or set the same values on every silo and the Api.",
        ], errors);
    }

    [Theory]
    [InlineData("redis:6379,nonsense=1")]
    [InlineData(",")]
    public void ClusterWithAMalformedRedisConfiguration_IsRefused(string connectionString)
    {
        var error = Assert.Single(Errors(new SiloClusterOptionsValidator(), new SiloClusterOptions { RedisConnectionString = connectionString }));

        Assert.StartsWith("Handler:Cluster:RedisConnectionString is not a StackExchange.Redis configuration (host:port[,ssl=true][,option=value…]): ", error);
    }

    [Fact]
    public void RedisUserAndPassword_OverrideTheConnectionStrings_WhateverTheyHold()
    {
        var options = new SiloClusterOptions { RedisConnectionString = "redis.example:6380,ssl=true,password=old", RedisUser = "handler", RedisPassword = "p,a=s s" };

        var redis = options.Redis();

        Assert.Equal(("handler", "p,a=s s", true), (redis.User, redis.Password, redis.Ssl));
        Assert.Equal("redis.example:6380", Assert.Single(redis.EndPoints).ToString()?.Replace("Unspecified/", "", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutUserOrPassword_TheConnectionStringsStand() =>
        Assert.Equal("old", new SiloClusterOptions { RedisConnectionString = "redis:6379,password=old" }.Redis().Password);

    [Fact]
    public void ClusterWithRedis_IsValid() =>
        Assert.Empty(Errors(new SiloClusterOptionsValidator(), new SiloClusterOptions { RedisConnectionString = "redis:6379" }));

    [Theory]
    [InlineData(0, 30000, null)]
    [InlineData(11111, 65536, null)]
    [InlineData(11111, 11111, null)]
    [InlineData(11111, 30000, "pod-ip")]
    public void SiloEndpointsThatCannotBeListenedOnOrReached_AreRefused(int siloPort, int gatewayPort, string? address)
    {
        var errors = Errors(new SiloEndpointsValidator(), new SiloClusterOptions { SiloPort = siloPort, GatewayPort = gatewayPort, AdvertisedAddress = address });

        Assert.Equal(
            address is null
                ? "Handler:Cluster:SiloPort and GatewayPort must be two different ports from 1 to 65535 (defaults 11111 and 30000)."
                : "Handler:Cluster:AdvertisedAddress 'pod-ip' is not an IP address: set it to the address other silos reach this one at (the pod IP), or unset it for the first non-loopback address.",
            Assert.Single(errors));
    }

    [Theory]
    [InlineData("10.0.0.7")]
    [InlineData("fd00::7")]
    public void SiloAdvertisingAnIpAddress_IsValid(string address) =>
        Assert.Empty(Errors(new SiloEndpointsValidator(), new SiloClusterOptions { AdvertisedAddress = address }));
}
