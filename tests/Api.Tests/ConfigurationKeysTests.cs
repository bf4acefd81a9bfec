using System.Collections;
using System.Globalization;
using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>
/// Every key of the README's settings table lands in the options class of the subsystem that reads it, with the
/// README's default when unset: the split into options per subsystem changed no key.
/// </summary>
public sealed class ConfigurationKeysTests
{
    private static readonly TempDirectory EmptyHome = new("home");

    /// <summary>Settings a key needs beside it to be valid.</summary>
    private static readonly Dictionary<string, (string Key, string Value)[]> Companions = new()
    {
        ["Handler:Git:AllowInsecureCredentials"] = [("Handler:Git:CredentialHosts:0", "ghe.example.com")],
        ["Handler:CloneUrlRewrites:0:To"] = [("Handler:CloneUrlRewrites:0:From", "https://github.com/")],
        ["Handler:BranchNamespaces:Objects"] = [("Handler:BranchNamespaces:Template", "ci-{branch}")],
    };

    /// <summary>Where each key is read, as the subsystem that reads it sees it.</summary>
    private static readonly Dictionary<string, Func<IConfiguration, object?>> Readers = new()
    {
        ["WEBHOOK_SECRET"] = c => Get<WebhookOptions>(c).WebhookSecrets,
        ["Handler:WebhookSecrets:0"] = c => Get<WebhookOptions>(c).WebhookSecrets,
        ["Handler:DevelopmentWebhookSecret"] = c => Get<WebhookOptions>(c).DevelopmentWebhookSecret,
        ["Handler:Insecure"] = c => Get<WebhookOptions>(c).Insecure,
        ["Handler:AllowSha1Signature"] = c => Get<WebhookOptions>(c).AllowSha1Signature,
        ["Handler:MaxBodyBytes"] = c => Get<WebhookOptions>(c).MaxBodyBytes,
        ["GITHUB_TOKEN"] = c => Get<GitHubOptions>(c).Token,
        ["Handler:GitHubToken"] = c => Get<GitHubOptions>(c).Token,
        ["Handler:Git:AllowedRemotes:0"] = c => Get<GitOptions>(c).AllowedRemotes,
        ["Handler:Git:CredentialHosts:0"] = c => Get<GitOptions>(c).CredentialHosts,
        ["Handler:Git:AllowInsecureCredentials"] = c => Get<GitOptions>(c).AllowInsecureCredentials,
        ["Handler:Git:FetchTimeout"] = c => Get<GitOptions>(c).FetchTimeout,
        ["Handler:Git:ConnectTimeout"] = c => Get<GitOptions>(c).ConnectTimeout,
        ["Handler:Git:MaxFetchBytes"] = c => Get<GitOptions>(c).MaxFetchBytes,
        ["Handler:CloneUrl"] = c => Get<GitOptions>(c).CloneUrl,
        ["Handler:CloneUrlRewrites:0:To"] = c => Get<GitOptions>(c).CloneUrlRewrites.Select(r => $"{r.From}>{r.To}"),
        ["Handler:Namespace"] = c => Get<KubernetesOptions>(c).Namespace,
        ["Handler:AllowedKinds:0"] = c => Get<KubernetesOptions>(c).AllowedKinds,
        ["Handler:AllowedNamespaces:0"] = c => Get<KubernetesOptions>(c).AllowedNamespaces,
        ["Handler:AllowClusterScoped"] = c => Get<KubernetesOptions>(c).AllowClusterScoped,
        ["Handler:DryRun"] = c => Get<KubernetesOptions>(c).DryRun,
        ["Handler:KubernetesRequestTimeout"] = c => Get<KubernetesOptions>(c).KubernetesRequestTimeout,
        ["Handler:FieldManager"] = c => Get<KubernetesOptions>(c).FieldManager,
        ["Handler:BranchNamespaces:Template"] = c => Get<KubernetesOptions>(c).BranchNamespaces.Template,
        ["Handler:BranchNamespaces:Objects"] = c => Get<KubernetesOptions>(c).BranchNamespaces.Objects,
        ["Handler:ManifestPath"] = c => Get<ManifestOptions>(c).ManifestPath,
        ["Handler:Manifest:MaxBytes"] = c => Get<ManifestOptions>(c).MaxBytes,
        ["Handler:Manifest:MaxDepth"] = c => Get<ManifestOptions>(c).MaxDepth,
        ["Handler:Manifest:MaxNodes"] = c => Get<ManifestOptions>(c).MaxNodes,
        ["Handler:Manifest:MaxObjects"] = c => Get<ManifestOptions>(c).MaxObjects,
        ["Handler:IgnoreRefs"] = c => Get<DeliveryOptions>(c).IgnoreRefs,
        ["Handler:DeliveryRetention"] = c => Get<DeliveryOptions>(c).DeliveryRetention,
        ["Handler:MaxRememberedDeliveries"] = c => Get<DeliveryOptions>(c).MaxRememberedDeliveries,
        ["Handler:HistoryLimit"] = c => Get<DeliveryOptions>(c).HistoryLimit,
        ["Handler:RetryFor"] = c => Get<DeliveryOptions>(c).RetryFor,
        ["Handler:MaxAttempts"] = c => Get<DeliveryOptions>(c).MaxAttempts,
        ["Handler:MaxRefs"] = c => Get<DeliveryOptions>(c).MaxRefs,
        ["Handler:RetryDelay"] = c => Get<DeliveryOptions>(c).RetryDelay,
        ["Handler:MaxRetryDelay"] = c => Get<DeliveryOptions>(c).MaxRetryDelay,
        ["Handler:Supersede:Mode"] = c => Get<SupersedeOptions>(c).Mode,
        ["Handler:Supersede:OtherKinds"] = c => Get<SupersedeOptions>(c).OtherKinds,
        ["Handler:Supersede:Refs"] = c => Get<SupersedeOptions>(c).Refs,
        ["Handler:DataDirectory"] = c => Get<DataDirectoryOptions>(c).DataDirectory,
        ["Handler:Local:SiloPort"] = c => Get<LocalSiloOptions>(c).SiloPort,
        ["Handler:Local:GatewayPort"] = c => Get<LocalSiloOptions>(c).GatewayPort,
        ["Handler:Mode"] = c => c.GetHostingMode(),
        ["Handler:Cluster:RedisConnectionString"] = c => Get<SiloClusterOptions>(c).RedisConnectionString,
        ["Handler:Cluster:RedisUser"] = c => Get<SiloClusterOptions>(c).RedisUser,
        ["Handler:Cluster:RedisPassword"] = c => Get<SiloClusterOptions>(c).RedisPassword,
        ["Handler:Cluster:ClusterId"] = c => Get<SiloClusterOptions>(c).ClusterId,
        ["Handler:Cluster:ServiceId"] = c => Get<SiloClusterOptions>(c).ServiceId,
        ["Handler:Cluster:SiloPort"] = c => Get<SiloClusterOptions>(c).SiloPort,
        ["Handler:Cluster:GatewayPort"] = c => Get<SiloClusterOptions>(c).GatewayPort,
        ["Handler:Cluster:AdvertisedAddress"] = c => Get<SiloClusterOptions>(c).AdvertisedAddress,
        ["Handler:Management:WorkflowUrl"] = c => Get<InspectionPageOptions>(c).WorkflowUrl,
    };

    /// <summary>Each key of the README with a value that is not its default.</summary>
    public static TheoryData<string, string, string> Set => new()
    {
        { "WEBHOOK_SECRET", "from-environment", "from-environment" },
        { "Handler:WebhookSecrets:0", "configured", "configured" },
        { "Handler:DevelopmentWebhookSecret", "dev-secret", "dev-secret" },
        { "Handler:Insecure", "true", "true" },
        { "Handler:AllowSha1Signature", "true", "true" },
        { "Handler:MaxBodyBytes", "1000", "1000" },
        { "GITHUB_TOKEN", "ghp_environment", "ghp_environment" },
        { "Handler:GitHubToken", "ghp_configured", "ghp_configured" },
        { "Handler:Git:AllowedRemotes:0", "https://ghe.example.com/", "https://ghe.example.com/" },
        { "Handler:Git:CredentialHosts:0", "ghe.example.com", "ghe.example.com" },
        { "Handler:Git:AllowInsecureCredentials", "true", "true" },
        { "Handler:Git:FetchTimeout", "00:02:00", "00:02:00" },
        { "Handler:Git:ConnectTimeout", "00:00:20", "00:00:20" },
        { "Handler:Git:MaxFetchBytes", "1000", "1000" },
        { "Handler:CloneUrl", "GitUrl", "GitUrl" },
        { "Handler:CloneUrlRewrites:0:To", "https://mirror.example.com/", "https://github.com/>https://mirror.example.com/" },
        { "Handler:Namespace", "team-ci", "team-ci" },
        { "Handler:AllowedKinds:0", "v1/ConfigMap", "v1/ConfigMap" },
        { "Handler:AllowedNamespaces:0", "other", "other" },
        { "Handler:AllowClusterScoped", "true", "true" },
        { "Handler:DryRun", "true", "true" },
        { "Handler:KubernetesRequestTimeout", "00:00:30", "00:00:30" },
        { "Handler:FieldManager", "ci-bot", "ci-bot" },
        { "Handler:BranchNamespaces:Template", "ci-{branch}", "ci-{branch}" },
        { "Handler:BranchNamespaces:Objects", "{kind: ServiceAccount, apiVersion: v1, metadata: {name: argo-workflow}}", "{kind: ServiceAccount, apiVersion: v1, metadata: {name: argo-workflow}}" },
        { "Handler:ManifestPath", "deploy/ci.yaml", "deploy/ci.yaml" },
        { "Handler:Manifest:MaxBytes", "2048", "2048" },
        { "Handler:Manifest:MaxDepth", "10", "10" },
        { "Handler:Manifest:MaxNodes", "500", "500" },
        { "Handler:Manifest:MaxObjects", "5", "5" },
        { "Handler:IgnoreRefs", "^refs/heads/skip/", "^refs/heads/skip/" },
        { "Handler:DeliveryRetention", "2.00:00:00", "2.00:00:00" },
        { "Handler:MaxRememberedDeliveries", "50", "50" },
        { "Handler:HistoryLimit", "20", "20" },
        { "Handler:RetryFor", "1.00:00:00", "1.00:00:00" },
        { "Handler:MaxAttempts", "4", "4" },
        { "Handler:MaxRefs", "30", "30" },
        { "Handler:RetryDelay", "00:00:02", "00:00:02" },
        { "Handler:MaxRetryDelay", "00:10:00", "00:10:00" },
        { "Handler:Supersede:Mode", "Terminate", "Terminate" },
        { "Handler:Supersede:OtherKinds", "Delete", "Delete" },
        { "Handler:Supersede:Refs", "^refs/heads/main$", "^refs/heads/main$" },
        { "Handler:DataDirectory", "/var/lib/handler", "/var/lib/handler" },
        { "Handler:Local:SiloPort", "21111", "21111" },
        { "Handler:Local:GatewayPort", "40000", "40000" },
        { "Handler:Mode", "Cluster", "Cluster" },
        { "Handler:Cluster:RedisConnectionString", "redis:6380", "redis:6380" },
        { "Handler:Cluster:RedisUser", "handler", "handler" },
        { "Handler:Cluster:RedisPassword", "p,a=s s", "p,a=s s" },
        { "Handler:Cluster:ClusterId", "cluster-1", "cluster-1" },
        { "Handler:Cluster:ServiceId", "service-1", "service-1" },
        { "Handler:Cluster:SiloPort", "21111", "21111" },
        { "Handler:Cluster:GatewayPort", "40000", "40000" },
        { "Handler:Cluster:AdvertisedAddress", "10.0.0.7", "10.0.0.7" },
        { "Handler:Management:WorkflowUrl", "https://argo.example.com/workflows/{namespace}/{name}", "https://argo.example.com/workflows/{namespace}/{name}" },
    };

    /// <summary>Each key of the README with its default (an unset value reads as empty).</summary>
    public static TheoryData<string, string> Defaults => new()
    {
        { "Handler:WebhookSecrets:0", "" },
        { "Handler:DevelopmentWebhookSecret", "" },
        { "Handler:AllowSha1Signature", "false" },
        { "Handler:MaxBodyBytes", "26214400" },
        { "Handler:GitHubToken", "" },
        { "Handler:Git:AllowedRemotes:0", "" },
        { "Handler:Git:CredentialHosts:0", "" },
        { "Handler:Git:AllowInsecureCredentials", "false" },
        { "Handler:Git:FetchTimeout", "00:05:00" },
        { "Handler:Git:ConnectTimeout", "00:00:30" },
        { "Handler:Git:MaxFetchBytes", "1073741824" },
        { "Handler:CloneUrl", "CloneUrl" },
        { "Handler:CloneUrlRewrites:0:To", "" },
        { "Handler:Namespace", "ci" },
        { "Handler:AllowedKinds:0", "argoproj.io/Workflow" },
        { "Handler:AllowedNamespaces:0", "" },
        { "Handler:AllowClusterScoped", "false" },
        { "Handler:DryRun", "" },
        { "Handler:KubernetesRequestTimeout", "00:00:10" },
        { "Handler:FieldManager", "k8s-webhook-handler" },
        { "Handler:BranchNamespaces:Template", "" },
        { "Handler:BranchNamespaces:Objects", "" },
        { "Handler:ManifestPath", ".ci/workflow.yaml" },
        { "Handler:Manifest:MaxBytes", "1048576" },
        { "Handler:Manifest:MaxDepth", "64" },
        { "Handler:Manifest:MaxNodes", "100000" },
        { "Handler:Manifest:MaxObjects", "50" },
        { "Handler:IgnoreRefs", "" },
        { "Handler:DeliveryRetention", "7.00:00:00" },
        { "Handler:MaxRememberedDeliveries", "10000" },
        { "Handler:HistoryLimit", "200" },
        { "Handler:RetryFor", "3.00:00:00" },
        { "Handler:MaxAttempts", "" },
        { "Handler:MaxRefs", "1000" },
        { "Handler:RetryDelay", "00:00:01" },
        { "Handler:MaxRetryDelay", "00:05:00" },
        { "Handler:Supersede:Mode", "Stop" },
        { "Handler:Supersede:OtherKinds", "None" },
        { "Handler:Supersede:Refs", "^refs/(heads|pull)/" },
        { "Handler:DataDirectory", ".data" },
        { "Handler:Local:SiloPort", "11111" },
        { "Handler:Local:GatewayPort", "30000" },
        { "Handler:Mode", "Local" },
        { "Handler:Cluster:RedisUser", "" },
        { "Handler:Cluster:RedisPassword", "" },
        { "Handler:Cluster:ClusterId", "k8s-webhook-handler" },
        { "Handler:Cluster:ServiceId", "k8s-webhook-handler" },
        { "Handler:Cluster:SiloPort", "11111" },
        { "Handler:Cluster:GatewayPort", "30000" },
        { "Handler:Cluster:AdvertisedAddress", "" },
        { "Handler:Management:WorkflowUrl", "" },
    };

    [Theory]
    [MemberData(nameof(Set))]
    public void ReadmeKey_LandsInTheOptionsOfTheSubsystemThatReadsIt(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        foreach (var (companion, companionValue) in Companions.GetValueOrDefault(key, []))
        {
            settings[companion] = companionValue;
        }

        Assert.Equal(expected, Text(Readers[key](Configuration(settings))));
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void ReadmeKeyUnset_HasTheReadmesDefault(string key, string expected)
    {
        Assert.Equal(expected, Text(Readers[key](Configuration([]))));
    }

    [Fact]
    public void EveryReadmeKey_IsInTheTable()
    {
        Assert.Equal(Readers.Keys.Order(StringComparer.Ordinal), Set.Select(row => (string)row[0]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Handler:FetchTimeout", "00:00:07", "Handler:Git:FetchTimeout")]
    [InlineData("Handler:AllowedRemotes:0", "https://ghe.example.com/", "Handler:Git:AllowedRemotes:0")]
    [InlineData("Handler:MaxObjects", "5", "Handler:Manifest:MaxObjects")]
    public void NestedSettingWithoutItsSection_IsNoNewKey(string flatKey, string value, string key)
    {
        Assert.Equal(Text(Readers[key](Configuration([]))), Text(Readers[key](Configuration(new() { [flatKey] = value }))));
    }

    /// <summary>
    /// Everything the local-mode Api and a silo read, bound from <paramref name="settings"/> over a setting-free
    /// environment: insecure (so that no secret is needed), Redis named, no kubeconfig (a dry run).
    /// </summary>
    private static IConfiguration Configuration(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Handler:Insecure", "true");
        settings.TryAdd("Handler:Cluster:RedisConnectionString", "redis:6379");
        settings.TryAdd("HOME", EmptyHome.Path);
        settings.TryAdd("KUBECONFIG", "");
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private static T Get<T>(IConfiguration configuration)
        where T : class =>
        ValidatedOptions.Get<T>(configuration, services => services.AddHandlerServices(HostingMode.Local, configuration).AddClusterSiloOptions());

    private static string Text(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(",", items.Cast<object>().Select(Text)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
