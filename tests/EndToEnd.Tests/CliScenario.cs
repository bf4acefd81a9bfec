using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Cli;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>What the <c>k8swh</c> process tests share: running it against the fixture's management port, and a push to look at.</summary>
internal static class CliScenario
{
    /// <summary>Runs <c>k8swh</c> with the management port as <c>K8SWH_URL</c> and <paramref name="token"/> (default none) as <c>K8SWH_TOKEN</c>.</summary>
    public static Task<CommandResult> K8swhAsync(this HandlerFixture fixture, string[] arguments, string token = "") =>
        CliProcess.RunAsync(fixture.Handler.ManagementUri, arguments, token);

    /// <summary>A push of a new repository's main, sent and applied; its repository, delivery id and final record.</summary>
    public static async Task<(string Repository, string Delivery, JsonObject Record)> AppliedPushAsync(this HandlerFixture fixture)
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        var record = await fixture.Client.OutcomeAsync(repo.FullName, delivery);
        Assert.Equal("applied", record["state"]!.GetValue<string>());
        return (repo.FullName, delivery, record);
    }

    public static string[] Lines(this CommandResult result) => result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
