using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary><c>k8swh</c> against a management port that asks for a token: sent from the environment, never printed.</summary>
public sealed class CliTokenTests(ManagementTokenFixture fixture) : IClassFixture<ManagementTokenFixture>
{
    [Fact]
    public async Task WithTheTokenFromTheEnvironment_TheApiAnswers()
    {
        var (repo, delivery, _) = await fixture.AppliedPushAsync();

        var result = await fixture.K8swhAsync(["show", repo, delivery, "--output", "json"], token: ManagementTokenFixture.Token);

        Assert.Equal((0, ""), (result.ExitCode, result.StandardError));
        Assert.Equal("applied", JsonNode.Parse(result.StandardOutput)!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutOrWithAWrongToken_Exits1_SayingHowToSendOne_AndNeverPrintsIt()
    {
        var without = await fixture.K8swhAsync(["repositories"]);
        var wrong = await fixture.K8swhAsync(["repositories"], token: "not-the-management-token-at-all");

        Assert.Equal((1, ""), (without.ExitCode, without.StandardOutput));
        Assert.StartsWith("k8swh: 401 ", without.StandardError);
        Assert.EndsWith(" (no token was sent: pass --token or set $K8SWH_TOKEN)\n", without.StandardError);
        Assert.Equal((1, ""), (wrong.ExitCode, wrong.StandardOutput));
        Assert.StartsWith("k8swh: 401 ", wrong.StandardError);
        Assert.DoesNotContain("not-the-management-token-at-all", wrong.StandardError, StringComparison.Ordinal);
    }
}
