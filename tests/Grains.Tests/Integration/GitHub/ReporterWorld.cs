using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Logging.Abstractions;
using Options = Microsoft.Extensions.Options.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>Reports and <see cref="CommitReporter"/>s against a <see cref="CredentialsWorld"/>'s emulator.</summary>
internal static class ReporterWorld
{
    public const string Context = "k8s-webhook-handler/build";
    public const string WorkflowUrl = "https://argo.example.com/workflows/ci/build-x7k2p";

    public static readonly RepositoryKey Key = RepositoryKey.Parse($"{CredentialsWorld.Owner}/{CredentialsWorld.Repo}");

    /// <summary>A reporter with <paramref name="options"/>; disposed with the test's <c>using</c>.</summary>
    public static CommitReporter Reporter(this CredentialsWorld world, GitHubOptions options) =>
        new(Options.Create(options), world.Credentials(options), world.Time, NullLogger<CommitReporter>.Instance);

    public static CommitReport Report(
        ReportOutcome outcome, string description = "running", string? targetUrl = WorkflowUrl, long? installation = CredentialsWorld.Installation,
        string context = Context) =>
        new(Key, CredentialsWorld.Sha, context, outcome, description, targetUrl, installation);

    /// <summary>The requests that reached the API's statuses or check runs (not the installation tokens).</summary>
    public static IReadOnlyList<K8sWebhookHandler.GitHubApiEmulator.Diagnostics.RecordedRequest> ReportRequests(this CredentialsWorld world) =>
        world.Emulator.Requests.Snapshot().Where(r => !r.Path.EndsWith("/access_tokens", StringComparison.Ordinal)).ToArray();
}
