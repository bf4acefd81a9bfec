using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using K8sWebhookHandler.Testing.Processes;
using Octokit;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary>The emulator run as its own process, as <c>dotnet run --project tests/GitHubApiEmulator</c> runs it.</summary>
public sealed class StandaloneTests
{
    [Fact]
    public async Task StandaloneProcess_SetUpFromItsCommandLine_ServesOctokitAndItsAdminEndpoints()
    {
        using var dir = new TempDirectory();
        using var key = RSA.Create(2048);
        var publicKey = dir.Combine("app.pem");
        await File.WriteAllTextAsync(publicKey, key.ExportSubjectPublicKeyInfoPem());
        var port = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var emulator = RunningProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "GitHubApiEmulator.dll"),
            "--urls", $"http://127.0.0.1:{port}", "--repository", "octo-org/hello", "--token", "ghp_standalone",
            "--app-id", "31", "--app-public-key", publicKey, "--installation-id", "310"]);
        await emulator.WaitForLineAsync(line => line.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = baseUri };

        var status = await Client(baseUri, new Credentials("ghp_standalone")).Repository.Status.Create("octo-org", "hello", "abc", new NewCommitStatus { State = CommitState.Success });
        var token = await Client(baseUri, new Credentials(GitHubWorld.SignJwt(key, 31, DateTimeOffset.UtcNow.AddSeconds(-60), TimeSpan.FromMinutes(9)), AuthenticationType.Bearer)).GitHubApps.CreateInstallationToken(310);
        var armed = await http.PostAsync("_emulator/faults", new StringContent("""{"count":1,"status":502}""", Encoding.UTF8, "application/json"));
        var failed = await Assert.ThrowsAsync<ApiException>(() => Client(baseUri, new Credentials(token.Token)).Check.Run.Create("octo-org", "hello", new NewCheckRun("build", "abc")));
        var run = await Client(baseUri, new Credentials(token.Token)).Check.Run.Create("octo-org", "hello", new NewCheckRun("build", "abc"));
        var log = JsonNode.Parse(await http.GetStringAsync("_emulator/requests"))!.AsArray();

        Assert.Equal(CommitState.Success, status.State.Value);
        Assert.Equal(HttpStatusCode.NoContent, armed.StatusCode);
        Assert.Equal(502, (int)failed.StatusCode);
        Assert.Equal(31, run.App.Id);
        Assert.Equal(["user:octocat", "app:31", "installation:310", "installation:310"], log.Select(r => r!["identity"]!.GetValue<string>()));
        Assert.Equal([201, 201, 502, 201], log.Select(r => r!["statusCode"]!.GetValue<int>()));
        Assert.All(log, r => Assert.Empty(r!["violations"]!.AsArray().Concat(r["responseViolations"]!.AsArray())));
    }

    private static GitHubClient Client(Uri baseUri, Credentials credentials) =>
        new(new ProductHeaderValue("k8s-webhook-handler-tests"), baseUri) { Credentials = credentials };
}
