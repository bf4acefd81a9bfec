using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.GitHub.Tests.Support;
using K8sWebhookHandler.GitHubApiEmulator.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>The request log's signal-based waits, and the emulator as GitHub's webhook sender.</summary>
public sealed class RequestLogAndWebhookTests
{
    [Fact]
    public async Task WaitFor_ARequestNotYetMade_CompletesWithItOnceItIsAnswered()
    {
        await using var world = await GitHubWorld.StartAsync();
        var waiting = world.Emulator.Requests.WaitForAsync(r => r.OperationId == "repos/create-commit-status");

        await world.TokenClient().Repository.Status.Create(GitHubWorld.Owner, GitHubWorld.Repo, GitHubWorld.Sha, new NewCommitStatus { State = CommitState.Success });
        var seen = await waiting;

        Assert.Equal(201, seen.StatusCode);
        Assert.Equal("user:octocat", seen.Identity!.ToString());
        Assert.Equal("""{"state":"success"}""", seen.Body);
        Assert.Equal("/repos/octo-org/hello/statuses/" + GitHubWorld.Sha, seen.Path);
    }

    [Fact]
    public async Task WaitFor_ARequestThatNeverComes_FailsWithTheLogInItsMessage()
    {
        await using var world = await GitHubWorld.StartAsync();
        await world.SendAsync(HttpMethod.Get, "/rate_limit");

        var failed = await Assert.ThrowsAsync<TimeoutException>(() =>
            world.Emulator.Requests.WaitForAsync(r => r.Method == "DELETE", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("GET /rate_limit by user:octocat -> 200", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ToALoopbackReceiver_PostsTheBodyWithGitHubsHeadersAndItsHmac()
    {
        var received = new TaskCompletionSource<(Dictionary<string, string> Headers, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await ReceiverAsync(received);
        using var sender = new WebhookSender();
        const string payload = """{"ref":"refs/heads/main"}""";

        var sent = await sender.SendAsync(new Uri(receiver.Urls.Single() + "/webhook"), "s3cret", "push", payload, hookId: 12, deliveryId: "d-1");
        var (headers, body) = await received.Task;

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), Encoding.UTF8.GetBytes(payload)));
        Assert.Equal(payload, body);
        Assert.Equal(expected, headers["X-Hub-Signature-256"]);
        Assert.Equal(("push", "d-1", "12"), (headers["X-GitHub-Event"], headers["X-GitHub-Delivery"], headers["X-GitHub-Hook-ID"]));
        Assert.StartsWith("GitHub-Hookshot/", headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal(202, sent.StatusCode);
        Assert.Equal(sent, Assert.Single(sender.Sent));
    }

    [Fact]
    public async Task Send_ToAnAddressThatIsNotLoopback_IsRefusedAndNothingIsSent()
    {
        using var sender = new WebhookSender();

        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(new Uri("http://hooks.example.invalid/"), "s", "push", "{}"));

        Assert.Empty(sender.Sent);
    }

    private static async Task<WebApplication> ReceiverAsync(TaskCompletionSource<(Dictionary<string, string> Headers, string Body)> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/webhook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            received.TrySetResult((headers, await reader.ReadToEndAsync()));
            return Results.Accepted();
        });
        await app.StartAsync();
        return app;
    }
}
