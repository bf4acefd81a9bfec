using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// The chart's GitHub settings: a GitHub App's private key reaches the silos, and only them, as a read-only file from
/// the operator's Secret; no GitHub credential reaches the Api; the silos may watch the Workflows they report on.
/// </summary>
public sealed class GitHubChartTests : IDisposable
{
    private const string KeyDirectory = "/var/run/secrets/github-app";

    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    [Fact]
    public async Task GitHubApp_KeyIsAVolumeFromItsSecret_WithTheConfiguredKey_ReadableByOwnerAndGroupOnly()
    {
        var silo = One(await _helm.RenderAsync("-f", GitHubAppValues), "Deployment", "-silo");

        var volume = Assert.Single(PodSpec(silo)["volumes"]!.AsArray(), v => v!["secret"] is not null)!;
        Assert.Equal(("github-app", 288L), (volume["secret"]!["secretName"]!.GetValue<string>(), volume["secret"]!["defaultMode"]!.GetValue<long>()));
        var item = Assert.Single(volume["secret"]!["items"]!.AsArray())!;
        Assert.Equal(("app.pem", "private-key.pem"), (item["key"]!.GetValue<string>(), item["path"]!.GetValue<string>()));
        var mount = Assert.Single(Container(silo)["volumeMounts"]!.AsArray(), m => m!["name"]!.GetValue<string>() == volume["name"]!.GetValue<string>())!;
        Assert.Equal((KeyDirectory, true), (mount["mountPath"]!.GetValue<string>(), mount["readOnly"]!.GetValue<bool>()));
        Assert.Equal($"{KeyDirectory}/private-key.pem", EnvValues(Container(silo))["Handler__GitHub__PrivateKeyFile"]);
    }

    [Fact]
    public async Task GitHubApp_KeyIsMountedInTheSilosOnly_AndInNoEnvVariable()
    {
        var objects = await _helm.RenderAsync("-f", GitHubAppValues);

        var api = One(objects, "Deployment", "-api");
        Assert.DoesNotContain(PodSpec(api)["volumes"]!.AsArray(), v => v!["secret"] is not null);
        Assert.DoesNotContain("github-app", api.ToJsonString(), StringComparison.Ordinal);
        foreach (var container in objects.Where(o => Kind(o) == "Deployment").Select(Container))
        {
            Assert.Null(container["envFrom"]);
            Assert.DoesNotContain(Env(container), e => e["name"]!.GetValue<string>() == "Handler__GitHub__PrivateKey");
            Assert.DoesNotContain(Env(container), e => e["valueFrom"]?["secretKeyRef"]?["name"]?.GetValue<string>() == "github-app");
        }
    }

    [Theory]
    [InlineData("-f")]
    [InlineData("--set")]
    [InlineData("--set-string")]
    public async Task GitHubApp_IdAndUrls_ReachTheSilosAsConfigured(string howTheIdIsGiven)
    {
        string[] values = howTheIdIsGiven == "-f" ? [] : [howTheIdIsGiven, "github.app.id=1234567"];

        var objects = await _helm.RenderAsync(["-f", GitHubAppValues, .. values]);
        var env = EnvValues(Container(One(objects, "Deployment", "-silo")));
        var api = EnvValues(Container(One(objects, "Deployment", "-api")));

        Assert.Equal("1234567", env["Handler__GitHub__AppId"]);
        Assert.Equal("https://ghe.example.com/api/v3", env["Handler__GitHub__ApiUrl"]);
        Assert.Equal("https://argo.example.com/workflows/{namespace}/{name}", env["Handler__GitHub__WorkflowUrl"]);
        Assert.Equal(env["Handler__GitHub__WorkflowUrl"], api["Handler__Management__WorkflowUrl"]);
        Assert.DoesNotContain(api.Keys, k => k.StartsWith("Handler__GitHub__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnApp_TheSilosUseGitHubsApiAndTheToken_WithNoAppSettingsAndNoKeyVolume()
    {
        var objects = await _helm.RenderAsync("-f", TestValues);
        var silo = One(objects, "Deployment", "-silo");

        var env = EnvValues(Container(silo));
        Assert.Equal("https://api.github.com", env["Handler__GitHub__ApiUrl"]);
        Assert.Equal(["Handler__GitHub__ApiUrl"], env.Keys.Where(k => k.StartsWith("Handler__GitHub__", StringComparison.Ordinal)));
        Assert.Equal((Name(One(objects, "Secret")), "GITHUB_TOKEN"), SecretKeyRef(Container(silo), "GITHUB_TOKEN"));
        Assert.DoesNotContain(PodSpec(silo)["volumes"]!.AsArray(), v => v!["secret"] is not null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("test-values.yaml")]
    [InlineData("github-app-values.yaml")]
    public async Task Api_GetsTheWebhookSecretsFromTheSecret_AndNoGitHubSetting(string valuesFile)
    {
        var objects = await _helm.RenderAsync(CiValues(valuesFile));
        var api = Container(One(objects, "Deployment", "-api"));

        var secret = Name(One(objects, "Secret"));
        Assert.Equal((secret, "WEBHOOK_SECRET"), SecretKeyRef(api, "WEBHOOK_SECRET"));
        Assert.Null(api["envFrom"]);
        Assert.DoesNotContain(Env(api), e => e["name"]!.GetValue<string>() is var name && (name == "GITHUB_TOKEN" || name.StartsWith("Handler__GitHub", StringComparison.Ordinal)));
        Assert.DoesNotContain(Env(api), e => e["valueFrom"]?["secretKeyRef"]?["key"]?.GetValue<string>() == "GITHUB_TOKEN");
        if (valuesFile == "test-values.yaml")
        {
            Assert.Equal((secret, "Handler__WebhookSecrets__0"), SecretKeyRef(api, "Handler__WebhookSecrets__0"));
        }
    }

    [Fact]
    public async Task ExistingWebhookSecret_GivesTheApiItsSecretAndAnOptionalSecondOne_AndOnlyItsChecksum()
    {
        var objects = await _helm.RenderAsync("--set", "webhook.existingSecret=hooks-secret");
        var api = One(objects, "Deployment", "-api");

        Assert.Equal(("hooks-secret", "WEBHOOK_SECRET"), SecretKeyRef(Container(api), "WEBHOOK_SECRET"));
        var second = Assert.Single(Env(Container(api)), e => e["name"]!.GetValue<string>() == "Handler__WebhookSecrets__0")["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal(("hooks-secret", "WEBHOOK_SECRET_PREVIOUS", true), (second["name"]!.GetValue<string>(), second["key"]!.GetValue<string>(), second["optional"]!.GetValue<bool>()));
        Assert.DoesNotContain(objects, o => Kind(o) == "Secret");
        Assert.Equal(["checksum/hooks-secret"], PodMetadata(api)["annotations"]!.AsObject().Select(a => a.Key));
    }

    [Fact]
    public async Task ExistingWebhookSecret_WithKeyNamesOfItsOwn_IsReadUnderThem()
    {
        var api = Container(One(await _helm.RenderAsync("--set", "webhook.existingSecret=hooks-secret", "--set", "webhook.secretKey=current",
            "--set", "webhook.previousSecretKey=old"), "Deployment", "-api"));

        Assert.Equal(("hooks-secret", "current"), SecretKeyRef(api, "WEBHOOK_SECRET"));
        Assert.Equal(("hooks-secret", "old"), SecretKeyRef(api, "Handler__WebhookSecrets__0"));
    }

    [Fact]
    public async Task GitHubTokenSecret_ReachesTheSilosUnderItsKey_AndNeverTheApi()
    {
        var objects = await _helm.RenderAsync("-f", TestValues, "--set", "github.existingSecret=gh", "--set", "github.tokenKey=pat");

        Assert.Equal(("gh", "pat"), SecretKeyRef(Container(One(objects, "Deployment", "-silo")), "GITHUB_TOKEN"));
        var api = One(objects, "Deployment", "-api");
        Assert.DoesNotContain("GITHUB_TOKEN", api.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"gh\"", api.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("checksum/gh", PodMetadata(One(objects, "Deployment", "-silo"))["annotations"]!.AsObject().Select(a => a.Key));
    }

    [Fact]
    public async Task ChartsOwnSecret_ItsChecksumIsOnBothPodTemplates_AndChangesWithTheToken()
    {
        static IEnumerable<string> Checksums(IReadOnlyList<JsonObject> objects) => objects.Where(o => Kind(o) == "Deployment")
            .Select(d => d["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/secret"]!.GetValue<string>()).Distinct();

        var before = Assert.Single(Checksums(await _helm.RenderAsync("-f", TestValues)));
        var again = Assert.Single(Checksums(await _helm.RenderAsync("-f", TestValues)));
        var after = Assert.Single(Checksums(await _helm.RenderAsync("-f", TestValues, "--set", "webhook.githubToken=ghp_other")));

        Assert.Equal(before, again);
        Assert.NotEqual(before, after);
    }

    [Theory]
    [InlineData("--set", "github.app.id=abc")]
    [InlineData("--set-string", "github.app.id=12a")]
    [InlineData("--set-string", "github.app.id=0123")]
    [InlineData("--set", "github.app.id=-5")]
    public async Task Schema_RefusesAnAppIdThatIsNotAPositiveNumber(string how, string value)
    {
        var result = await _helm.TryHelmAsync(Template("-f", GitHubAppValues, how, value));

        Assert.False(result.Succeeded);
        Assert.Contains("values don't meet the specifications of the schema", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("github.app.id", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github.apiUrl=api.github.com", "github.apiUrl")]
    [InlineData("github.apiUrl=ftp://ghe.example.com/api/v3", "github.apiUrl")]
    [InlineData("github.workflowUrl=argo/{namespace}/{name}", "github.workflowUrl")]
    public async Task Schema_RefusesAUrlThatIsNotHttp(string value, string field)
    {
        var result = await _helm.TryHelmAsync(Template("--set", value));

        Assert.False(result.Succeeded);
        Assert.Contains($"- {field}:", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveryRecovery_SettingsReachTheSilos_AndTurnedOffItSaysSo()
    {
        var objects = await _helm.RenderAsync("-f", TestValues, "--set", "github.recovery.enabled=false", "--set", "github.recovery.interval=00:30:00",
            "--set", "github.recovery.repositoryHooks={octo/app:42,octo/web:7}");

        var env = EnvValues(Container(One(objects, "Deployment", "-silo")));
        Assert.Equal(("false", "00:30:00"), (env["Handler__GitHub__Recovery__Enabled"], env["Handler__GitHub__Recovery__Interval"]));
        Assert.Equal(("octo/app:42", "octo/web:7"), (env["Handler__GitHub__Recovery__RepositoryHooks__0"], env["Handler__GitHub__Recovery__RepositoryHooks__1"]));
        Assert.DoesNotContain(EnvValues(Container(One(objects, "Deployment", "-api"))).Keys, k => k.StartsWith("Handler__GitHub__Recovery", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("github.recovery.interval=10m", "github.recovery.interval")]
    [InlineData("github.recovery.repositoryHooks={octo/app}", "github.recovery.repositoryHooks")]
    [InlineData("github.recovery.enabled=maybe", "github.recovery.enabled")]
    public async Task Schema_RefusesRecoverySettingsTheHandlerWouldRefuse(string value, string field)
    {
        var result = await _helm.TryHelmAsync(Template("--set", value));

        Assert.False(result.Succeeded);
        Assert.Contains(field, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github.app.id=1234567", "github.app.id is set without github.app.existingSecret")]
    [InlineData("github.app.existingSecret=github-app", "github.app.existingSecret is set without github.app.id")]
    public async Task HalfAnApp_IsRefused_SayingWhatIsMissing(string value, string message)
    {
        var result = await _helm.TryHelmAsync(Template("--set", value));

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Role")]
    [InlineData("github-app-values.yaml", "Role")]
    public async Task Rbac_LetsTheSilosListAndWatchWorkflows_WhereTheyCreateThem(string valuesFile, string roleKind)
    {
        var objects = await _helm.RenderAsync(CiValues(valuesFile));

        var role = One(objects, roleKind);
        Assert.Equal(["get", "create", "patch", "list", "watch"], Verbs(role, "argoproj.io", "workflows"));
        Assert.Equal(roleKind == "Role" ? "ci" : null, role["metadata"]!["namespace"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("None", new[] { "get", "create", "patch", "list" })]
    [InlineData("Delete", new[] { "get", "create", "patch", "list", "delete" })]
    public async Task Rbac_ListsWorkflowsWhateverTheSupersedeMode_AndNoOtherKind(string mode, string[] verbs)
    {
        // With branch namespaces the rules of the allowed kinds are the -branch ClusterRole's; Workflows are watched cluster-wide.
        var role = One(await _helm.RenderAsync("-f", TestValues, "--set", $"handler.supersede.mode={mode}"), "ClusterRole", "-branch");

        Assert.Equal(verbs, Verbs(role, "argoproj.io", "workflows"));
        Assert.Equal(["get", "create", "patch", "list", "delete"], Verbs(role, "", "configmaps"));
    }
}
