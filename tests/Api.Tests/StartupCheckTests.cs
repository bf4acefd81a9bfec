using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Settings that can never work are refused before anything starts, with one line saying what to set.</summary>
public sealed class StartupCheckTests
{
    private static readonly TempDirectory EmptyHome = new("home");

    /// <summary>What the Api's start-up check says in <paramref name="mode"/> (the local mode runs the grains).</summary>
    private static IReadOnlyList<string> Problems(Dictionary<string, string?> settings, HostingMode mode = HostingMode.Local)
    {
        var configuration = Configuration(settings);
        return StartupCheck.Problems(configuration, services => services.AddHandlerServices(mode, configuration));
    }

    /// <summary>What a silo's start-up check says: the repository grains' settings and the cluster's, a silo's endpoints included.</summary>
    private static IReadOnlyList<string> SiloProblems(Dictionary<string, string?> settings)
    {
        var configuration = Configuration(settings);
        return StartupCheck.Problems(configuration, services => services.AddClusterSiloOptions().AddRepositoryGrains(configuration));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings)
    {
        settings.TryAdd("HOME", EmptyHome.Path);
        settings.TryAdd("WEBHOOK_SECRET", "s");
        settings.TryAdd("KUBECONFIG", "");
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    [Fact]
    public void DefaultsWithASecret_HaveNoProblem()
    {
        Assert.Empty(Problems(new() { ["Handler:DryRun"] = "true" }));
    }

    [Fact]
    public void GitHubAppWithoutItsKey_IsRefused_ByTheLocalModeAndBySilos()
    {
        const string expected = "Handler:GitHub:AppId needs exactly one of Handler:GitHub:PrivateKeyFile (a PEM file) and Handler:GitHub:PrivateKey (the PEM text).";

        var local = Problems(new() { ["Handler:GitHub:AppId"] = "42", ["Handler:DryRun"] = "true" });
        var silo = SiloProblems(new() { ["Handler:GitHub:AppId"] = "42", ["Handler:DryRun"] = "true" });

        Assert.Equal(expected, Assert.Single(local));
        Assert.Contains(expected, silo);
    }

    [Fact]
    public void TimeSpanInTheWrongFormat_SaysTheExpectedFormat()
    {
        var problem = Assert.Single(Problems(new() { ["Handler:RetryDelay"] = "5s", ["Handler:DryRun"] = "true" }));

        Assert.Equal("Handler:RetryDelay is '5s', which is not a time span written [d.]hh:mm:ss[.fff], e.g. 00:00:05 or 3.00:00:00: "
            + "set it to a time span written [d.]hh:mm:ss[.fff], e.g. 00:00:05 or 3.00:00:00.", problem);
    }

    [Fact]
    public void EnumSettingWithAnUnknownName_ListsTheNames()
    {
        var problem = Assert.Single(Problems(new() { ["Handler:CloneUrl"] = "Svn", ["Handler:DryRun"] = "true" }));

        Assert.Contains("one of CloneUrl, GitUrl, SshUrl", problem);
    }

    [Theory]
    [InlineData("Bad_NS")]
    [InlineData("-ci")]
    [InlineData("CI")]
    public void InvalidNamespaceName_IsRefused(string ns)
    {
        var problem = Assert.Single(Problems(new() { ["Handler:Namespace"] = ns, ["Handler:DryRun"] = "true" }));

        Assert.StartsWith($"Handler:Namespace '{ns}' is not a namespace name", problem);
    }

    [Fact]
    public void KubeconfigThatDoesNotExist_IsRefused_EvenWithoutDryRunSetting()
    {
        var problem = Assert.Single(Problems(new() { ["KUBECONFIG"] = "/nonexistent/kubeconfig" }));

        Assert.StartsWith("KUBECONFIG names /nonexistent/kubeconfig, which does not exist", problem);
    }

    [Fact]
    public void UnreadableKubeconfig_IsRefused()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("kubeconfig");
        File.WriteAllText(path, "this: [is not a kubeconfig");

        var problem = Assert.Single(Problems(new() { ["KUBECONFIG"] = path }));

        Assert.StartsWith($"the kubeconfig {path} cannot be used", problem);
    }

    [Fact]
    public void DryRunFalse_WithoutAnyCluster_IsRefused()
    {
        using var home = new TempDirectory();

        var problem = Assert.Single(Problems(new() { ["Handler:DryRun"] = "false", ["HOME"] = home.Path }));

        Assert.StartsWith("Handler:DryRun is false but no Kubernetes configuration was found", problem);
    }

    [Theory]
    [InlineData("{branch}")]
    [InlineData("-{branch}-")]
    public void BranchNamespaceTemplateWithoutTextOfItsOwn_IsRefused(string template)
    {
        var problem = Assert.Single(Problems(new() { ["Handler:BranchNamespaces:Template"] = template, ["Handler:DryRun"] = "true" }));

        Assert.StartsWith("Handler:BranchNamespaces:Template needs letters or digits of its own", problem);
    }

    [Fact]
    public void BranchNamespaceObjectsOfAKindNotAccepted_AreRefused()
    {
        var problem = Assert.Single(Problems(new()
        {
            ["Handler:BranchNamespaces:Template"] = "ci-{branch}",
            ["Handler:BranchNamespaces:Objects"] = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: all}\n",
            ["Handler:DryRun"] = "true",
        }));

        Assert.StartsWith("Handler:BranchNamespaces:Objects cannot be used: document 1: rbac.authorization.k8s.io/v1 ClusterRole is not a kind a branch namespace may be given.", problem);
    }

    [Fact]
    public void ClusterModeWithoutRedis_IsRefused()
    {
        var problem = Assert.Single(Problems(new(), HostingMode.Cluster));

        Assert.StartsWith("Handler:Cluster:RedisConnectionString is empty", problem);
    }

    [Fact]
    public void SiloWithoutRedis_IsRefused()
    {
        var problem = Assert.Single(SiloProblems(new() { ["Handler:DryRun"] = "true" }));

        Assert.Equal("Handler:Cluster:RedisConnectionString is empty: set it (Handler__Cluster__RedisConnectionString=redis:6379) for cluster mode.", problem);
    }

    [Fact]
    public void SiloWithAnAdvertisedAddressThatIsNoAddress_IsRefused_WhileTheApiClientDoesNotReadIt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Handler:Cluster:RedisConnectionString"] = "redis:6379",
            ["Handler:Cluster:AdvertisedAddress"] = "pod-ip",
            ["Handler:DryRun"] = "true",
        };

        var problem = Assert.Single(SiloProblems(settings));

        Assert.StartsWith("Handler:Cluster:AdvertisedAddress 'pod-ip' is not an IP address: set it to the address other silos reach this one at", problem);
        Assert.Empty(Problems(settings, HostingMode.Cluster));
    }

    [Fact]
    public void ApiInClusterMode_ChecksWhatItReads_NotTheGrainsSettings()
    {
        var problems = Problems(new() { ["WEBHOOK_SECRET"] = "", ["Handler:Cluster:RedisConnectionString"] = "redis:6379", ["Handler:Namespace"] = "Bad_NS" }, HostingMode.Cluster);

        Assert.Equal(["No webhook secret is configured: set WEBHOOK_SECRET (or Handler__WebhookSecrets__0), or set Handler__Insecure=true to accept unsigned webhooks on purpose."], problems);
    }

    [Fact]
    public void ProblemsOfSeveralSubsystems_AreEachOneLine()
    {
        var problems = Problems(new()
        {
            ["WEBHOOK_SECRET"] = "",
            ["Handler:Namespace"] = "Bad_NS",
            ["Handler:ManifestPath"] = "/etc/passwd",
            ["Handler:DataDirectory"] = " ",
            ["Handler:Supersede:OtherKinds"] = "Stop",
            ["Handler:HistoryLimit"] = "0",
            ["Handler:Git:MaxFetchBytes"] = "0",
            ["Handler:Local:GatewayPort"] = "11111",
            ["Handler:DryRun"] = "true",
        });

        Assert.Equal(
        [
            "Handler:DataDirectory is empty: set it to a writable directory for state and git mirrors.",
            "Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).",
            "Handler:Local:SiloPort and GatewayPort must be two different ports from 1 to 65535 (defaults 11111 and 30000).",
            "Handler:ManifestPath must be a path inside the repository, e.g. .ci/workflow.yaml.",
            "Handler:MaxAttempts (when set), MaxRememberedDeliveries, HistoryLimit and MaxRefs must be positive.",
            "Handler:Namespace 'Bad_NS' is not a namespace name: set it to lower-case letters, digits and '-' (at most 63, e.g. ci).",
            "Handler:Supersede:OtherKinds must be None or Delete: only Argo Workflows can be stopped.",
            "No webhook secret is configured: set WEBHOOK_SECRET (or Handler__WebhookSecrets__0), or set Handler__Insecure=true to accept unsigned webhooks on purpose.",
        ], problems.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, null, "Development")]
    [InlineData("Production", null, null)]
    [InlineData(null, "Staging", null)]
    public void DefaultEnvironmentFromDotnetRun_YieldsToAnEnvironmentThatIsSet(string? aspnetcore, string? dotnet, string? expected)
    {
        var variables = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = aspnetcore, ["DOTNET_ENVIRONMENT"] = dotnet };

        var (args, environment) = LaunchArguments.Split(["--default-environment", "Development", "render", "--manifest", "m.yaml"], v => variables[v]);

        Assert.Equal(["render", "--manifest", "m.yaml"], args);
        Assert.Equal(expected, environment);
    }

    [Fact]
    public void ArgumentsWithoutTheDefault_AreLeftAlone()
    {
        var (args, environment) = LaunchArguments.Split(["--urls", "http://x"], _ => "Production");

        Assert.Equal(["--urls", "http://x"], args);
        Assert.Null(environment);
    }
}
