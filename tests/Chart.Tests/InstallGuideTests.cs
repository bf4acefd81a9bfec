using System.Security.Cryptography;
using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;
using K8sWebhookHandler.Testing.Redis;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// docs/install.md as a reader runs it: its shell commands against the Kubernetes API emulator (with <c>helm upgrade
/// --install</c> as <c>helm template</c> piped to <c>kubectl apply</c>), its values files through helm, its Redis
/// configuration through a real redis-server, its first manifest through the handler's reader. A command that needs a
/// real cluster or GitHub is named in <see cref="NeedsARealCluster"/>, so that no other command can go unchecked.
/// </summary>
public sealed partial class InstallGuideTests : IAsyncLifetime
{
    /// <summary>Commands the emulator cannot answer as a cluster would, each with the reason.</summary>
    private static readonly (Regex Pattern, string Reason)[] NeedsARealCluster =
    [
        (new(@"^helm repo add "), "fetches Argo's chart repository from the internet"),
        (new(@"^helm upgrade --install argo argo/"), "installs Argo Workflows from argo-helm"),
        (new(@" port-forward "), "needs a running pod"),
        (new(@"^curl "), "needs a running pod"),
    ];

    private readonly TempDirectory _directory = new("install-guide");
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubeApiEmulatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task EveryCommand_RunsAgainstTheEmulator_AndLeavesTheInstallItDescribes()
    {
        var environment = await PrepareAsync();
        var ran = new List<string>();
        foreach (var command in InstallGuide.Commands())
        {
            if (NeedsARealCluster.Any(n => n.Pattern.IsMatch(command)))
            {
                continue;
            }

            var runnable = Runnable(command);
            var result = await ProcessRunner.RunAsync("bash", ["-o", "pipefail", "-c", runnable], _directory.Path, environment: environment);
            Assert.True(result.Succeeded, $"docs/install.md: `{command}` failed:\n{result.StandardError}\n{result.StandardOutput}");
            ran.Add(command);
        }

        Assert.Contains(ran, c => c.StartsWith("helm upgrade --install ci ", StringComparison.Ordinal));
        Assert.NotNull(_emulator.Find("apps", "deployments", "ci", "ci-k8s-webhook-handler-silo"));
        Assert.NotNull(_emulator.Find("", "secrets", "ci", "ci-webhook"));
        foreach (var ns in new[] { "workflows", "workflows-deploy", "workflows-preview" })
        {
            Assert.Single(_emulator.FindAll("rbac.authorization.k8s.io", "roles", ns));
        }
    }

    [Fact]
    public async Task EachValuesFile_LintsStrictly_OverTheProductionValues()
    {
        var files = InstallGuide.Files();
        Assert.Contains("values.yaml", files.Keys);
        using var helm = new ChartRenderer();
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(helm.Combine(name), text);
        }

        foreach (var name in files.Keys.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            string[] values = name == "values.yaml" ? ["-f", helm.Combine(name)] : ["-f", helm.Combine("values.yaml"), "-f", helm.Combine(name)];

            await helm.HelmAsync(["lint", "--strict", ChartRenderer.ChartDirectory, .. values]);
            Assert.NotEmpty(await helm.RenderAsync(values));
        }
    }

    [Fact]
    public async Task RedisRecipe_IsWhatRedisRuns()
    {
        var recipe = InstallGuide.Files()["redis.conf"].Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToArray();
        Assert.Contains(recipe, s => s[0] == "appendfsync");

        await using var redis = await RedisServer.StartAsync(configuration: [.. recipe.SelectMany(s => new[] { "--" + s[0], s[1] })]);

        foreach (var setting in recipe)
        {
            var answer = await redis.CommandAsync("CONFIG", "GET", setting[0]);
            Assert.EndsWith($"\r\n{setting[1]}\r\n", answer);
        }
    }

    [Fact]
    public void FirstRunManifest_IsAWorkflow_RunningAsTheAccountTheGuideMakes()
    {
        var manifest = Assert.Single(InstallGuide.Blocks(), b => b.Language == "yaml" && b.Text.Contains("kind: Workflow", StringComparison.Ordinal));
        var argoInstall = Assert.Single(InstallGuide.Commands(), c => c.Contains("argo/argo-workflows", StringComparison.Ordinal));

        var workflow = Assert.Single(new ManifestReader(new ManifestOptions()).Read(manifest.Text));

        var account = workflow["spec"]!["serviceAccountName"]!.GetValue<string>();
        Assert.Equal(("argoproj.io/v1alpha1", "Workflow"), (workflow["apiVersion"]!.GetValue<string>(), workflow["kind"]!.GetValue<string>()));
        Assert.Contains($"workflow.serviceAccount.name={account}", argoInstall, StringComparison.Ordinal);
    }

    /// <summary>
    /// The command as the emulator can take it. Nothing rolls out there, so that the Deployment exists is what a rollout
    /// check checks. kubectl's imperative <c>create</c> sends protobuf, which the emulator (JSON only) refuses: kubectl
    /// builds the same object on the client, checking every flag and name, and applies it as JSON.
    /// </summary>
    private static string Runnable(string command)
    {
        var runnable = command.Replace(" rollout status ", " get ", StringComparison.Ordinal);
        return CreateCommand().IsMatch(runnable) && !runnable.Contains("--dry-run", StringComparison.Ordinal)
            ? runnable + " --dry-run=client -o yaml | kubectl apply -f -"
            : runnable;
    }

    [GeneratedRegex(@"^kubectl (-n \S+ )?create ")]
    private static partial Regex CreateCommand();

    /// <summary>The reader's working directory and environment: the guide's files, an App key, kubectl on the emulator, helm shimmed.</summary>
    private async Task<Dictionary<string, string>> PrepareAsync()
    {
        foreach (var (name, text) in InstallGuide.Files())
        {
            await File.WriteAllTextAsync(_directory.Combine(name), text);
        }

        using (var key = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(_directory.Combine("APP.private-key.pem"), key.ExportRSAPrivateKeyPem());
        }

        Directory.CreateSymbolicLink(_directory.Combine("charts"), Path.GetDirectoryName(ChartRenderer.ChartDirectory)!);
        var bin = Directory.CreateDirectory(_directory.Combine("bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "kubectl"), Kubectl.Path);
        var shim = Path.Combine(bin, "helm");
        await File.WriteAllTextAsync(shim, """
            #!/usr/bin/env bash
            # helm as the guide uses it, against a cluster that is only an API server: an install is a render applied with kubectl.
            set -euo pipefail
            if [ "$1" = upgrade ] && [ "${2:-}" = --install ]; then
              shift 2
              "$REAL_HELM" template "$@" | kubectl apply -f -
            else
              exec "$REAL_HELM" "$@"
            fi
            """);
        await ProcessRunner.RunCheckedAsync("chmod", ["+x", shim]);
        return new()
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["HOME"] = _directory.Combine("home"),
            ["KUBECONFIG"] = _emulator.WriteKubeconfig(_directory.Combine("kubeconfig")),
            ["REAL_HELM"] = Helm.Path,
            ["GITHUB_TOKEN"] = "ghp_" + new string('x', 36),
        };
    }
}
