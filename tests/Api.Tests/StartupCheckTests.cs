using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Settings that can never work are refused before anything starts, with one line saying what to set.</summary>
public sealed class StartupCheckTests
{
    private static readonly TempDirectory EmptyHome = new("home");

    private static IReadOnlyList<string> Problems(Dictionary<string, string?> settings, bool runsGrains = true, bool joinsCluster = false)
    {
        settings.TryAdd("HOME", EmptyHome.Path);
        settings.TryAdd("WEBHOOK_SECRET", "s");
        settings.TryAdd("KUBECONFIG", "");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return StartupCheck.Problems(configuration, receivesWebhooks: true, runsGrains, joinsCluster);
    }

    [Fact]
    public void DefaultsWithASecret_HaveNoProblem()
    {
        Assert.Empty(Problems(new() { ["Handler:DryRun"] = "true" }));
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
    public void ClusterModeWithoutRedis_IsRefused()
    {
        var problem = Assert.Single(Problems(new(), runsGrains: false, joinsCluster: true));

        Assert.StartsWith("Handler:Cluster:RedisConnectionString is empty", problem);
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
