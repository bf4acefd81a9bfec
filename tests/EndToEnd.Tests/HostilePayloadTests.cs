using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Git;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The handler with a token configured and, besides the git server, one more allowed remote: a plain-HTTP server
/// that asks for credentials and records what it is sent, where a leaked token would show up.
/// </summary>
public sealed class HostileFixture : HandlerFixture
{
    public const string Token = "ghp_HostileFixtureToken0123456789abcdef";

    public CredentialCaptureServer Capture { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["GITHUB_TOKEN"] = Token,
        ["Handler__Git__AllowedRemotes__1"] = Capture.BaseUri.ToString(),
        ["Handler__Git__FetchTimeout"] = "00:00:20",
        ["Handler__Git__ConnectTimeout"] = "00:00:05",
    };

    public override async Task InitializeAsync()
    {
        Capture = await CredentialCaptureServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Capture.DisposeAsync();
    }
}

/// <summary>
/// Signed payloads that try what an attacker with the webhook secret would, against the real handler process:
/// each is refused at intake or recorded with the right outcome and reason, nothing of another repository changes,
/// no token reaches a host it must not, and the process stays up throughout.
/// </summary>
public sealed class HostilePayloadTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    private const string NamedManifest = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          name: shared-build
        spec:
          entrypoint: main
          templates:
          - name: main
            container: {image: alpine:3.20}
        """;

    public static TheoryData<string, string, string> IntakeRefusals => new()
    {
        { "huge ref", "ref", "refs/heads/" + new string('a', 2 * 1024 * 1024) },
        { "ref with NUL", "ref", "refs/heads/a\0b" },
        { "ref climbing", "ref", "refs/heads/../x" },
        { "revision not hex", "after", "zzzz" },
        { "whitespace around the name", "repository.full_name", " e2e/victim" },
        { "Kelvin sign for k", "repository.full_name", "e2e/wor\u212A" },
        { "three segments", "repository.full_name", "e2e/victim/extra" },
        { "climbing name", "repository.full_name", "../victim" },
        { "URL with a control character", "repository.git_url", "git://127.0.0.1/e2e/x.git\n" },
        { "git transport helper with a command", "repository.git_url", "ext::sh -c touch% /tmp/pwned" },
    };

    [Theory]
    [MemberData(nameof(IntakeRefusals))]
    public async Task HostileField_IsRefusedAtIntake_NamingIt_AndNothingIsRecorded(string scenario, string field, string value)
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);
        Set(payload, field, JsonValue.Create(value));
        var delivery = Guid.NewGuid().ToString();

        var (status, answer) = await fixture.Client.SendAsync("push", delivery, payload);

        Assert.True(status == 400, $"{scenario}: {status} {answer.ToJsonString()}");
        Assert.Contains(field.Split('.')[^1], answer["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await fixture.Client.RecordAsync(repo.FullName, delivery));
        Assert.True(fixture.Handler.IsRunning, scenario);
    }

    [Fact]
    public async Task NumericRepositoryName_IsRefusedAtIntake()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);
        payload["repository"]!["full_name"] = 12;

        var (status, answer) = await fixture.Client.SendAsync("push", Guid.NewGuid().ToString(), payload);

        Assert.Equal(400, status);
        Assert.Contains("full_name", answer["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> RefusedRemotes => new()
    {
        { "unknown scheme", "foo://host/{0}.git", "uses the scheme 'foo'" },
        { "git transport helper", "ext::sh%20-c%20touch%20/tmp/pwned", "" },
        { "local file", "file:///etc/{0}.git", "" },
        { "local path", "/tmp/{0}.git", "" },
        { "ssh", "ssh://git@github.com/{0}.git", "" },
        { "look-alike host", "https://github.com.evil.example/{0}.git", "is not under any of Handler:Git:AllowedRemotes" },
        { "plain http to github", "http://github.com/{0}.git", "is not under any of Handler:Git:AllowedRemotes" },
    };

    [Theory]
    [MemberData(nameof(RefusedRemotes))]
    public async Task RemoteOutsideThePolicy_IsRejectedOnTheFirstAttempt_WithTheReason(string scenario, string url, string reason)
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);
        payload["repository"]!["git_url"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, url, repo.FullName);
        var delivery = Guid.NewGuid().ToString();

        var (status, _) = await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal(202, status);
        Assert.Equal("rejected", outcome!["state"]!.GetValue<string>());
        Assert.Equal(1, outcome["attempts"]!.GetValue<int>());
        Assert.StartsWith("the remote ", outcome["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(reason, outcome["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(fixture.WorkflowsOf(repo));
        Assert.True(fixture.Handler.IsRunning, scenario);
    }

    [Fact]
    public async Task PayloadPointingAtAnotherRepository_IsRejected_AndTheOtherIsNotRead()
    {
        var (victim, victimHead) = await fixture.NewRepositoryAsync();
        var (attacker, _) = await fixture.NewRepositoryAsync(NamedManifest);
        var payload = fixture.PushPayload(victim, "refs/heads/main", GitHubPayloads.Zero, victimHead);
        payload["repository"]!["git_url"] = fixture.Git.GitUrl(attacker.FullName).ToString();
        var delivery = Guid.NewGuid().ToString();

        await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(victim.FullName, delivery);

        Assert.Equal("rejected", outcome!["state"]!.GetValue<string>());
        Assert.EndsWith($"does not name the repository {victim.FullName} the event is for", outcome["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(fixture.WorkflowsOf(victim));
    }

    [Fact]
    public async Task ManifestNamingAnotherRepositorysObject_IsRejected_AndTheObjectIsUnchanged()
    {
        var (victim, victimHead) = await fixture.NewRepositoryAsync(NamedManifest);
        var (attacker, attackerHead) = await fixture.NewRepositoryAsync(NamedManifest);
        var first = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", first, fixture.PushPayload(victim, "refs/heads/main", GitHubPayloads.Zero, victimHead));
        Assert.Equal("applied", (await fixture.Client.OutcomeAsync(victim.FullName, first))!["state"]!.GetValue<string>());
        var before = fixture.Emulator.Find("argoproj.io", "workflows", "ci", "shared-build")!.ToJsonString();

        var takeover = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", takeover, fixture.PushPayload(attacker, "refs/heads/main", GitHubPayloads.Zero, attackerHead));
        var outcome = await fixture.Client.OutcomeAsync(attacker.FullName, takeover);

        Assert.Equal("rejected", outcome!["state"]!.GetValue<string>());
        Assert.Contains($"belongs to the handler's objects of {victim.FullName}", outcome["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Find("argoproj.io", "workflows", "ci", "shared-build")!.ToJsonString());
    }

    [Fact]
    public async Task ManifestNameThatIsNotAString_IsRejectedOnTheFirstAttempt()
    {
        var (repo, head) = await fixture.NewRepositoryAsync(NamedManifest.Replace("name: shared-build", "name: 0x1F", StringComparison.Ordinal));
        var delivery = Guid.NewGuid().ToString();

        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal("rejected", outcome!["state"]!.GetValue<string>());
        Assert.Equal(1, outcome["attempts"]!.GetValue<int>());
        Assert.Contains("metadata.name must be a string", outcome["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenIsNeverSent_ToAnAllowedRemoteThatIsNotAGitHubHostOverHttps()
    {
        const string name = "e2e/capture";
        var url = new Uri(fixture.Capture.BaseUri, name + ".git");
        var delivery = Guid.NewGuid().ToString();

        var (status, _) = await fixture.Client.SendAsync("push", delivery,
            GitHubPayloads.Push(name, url, url, "refs/heads/main", GitHubPayloads.Zero, new string('a', 40)));
        // The server asks for credentials on every request; each retry of the fetch asks again.
        await fixture.Capture.WaitForRequestsAsync(3, TimeSpan.FromMinutes(3));

        Assert.Equal(202, status);
        Assert.Empty(fixture.Capture.Authorizations);
        Assert.DoesNotContain(HostileFixture.Token, fixture.Handler.Log, StringComparison.Ordinal);
        var record = await fixture.Client.RecordAsync(name, delivery);
        Assert.Equal("queued", record!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task CredentialsInAPayloadUrl_AreNotStored()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var payload = fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head);
        var url = fixture.Git.GitUrl(repo.FullName);
        payload["repository"]!["git_url"] = $"{url.Scheme}://someone:s3cr3t-in-url@{url.Authority}{url.AbsolutePath}";
        var delivery = Guid.NewGuid().ToString();

        await fixture.Client.SendAsync("push", delivery, payload);
        var outcome = await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        Assert.Equal("applied", outcome!["state"]!.GetValue<string>());
        var stored = Directory.EnumerateFiles(fixture.Handler.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}objects{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("s3cr3t-in-url", StringComparison.Ordinal));
        Assert.Empty(stored);
        Assert.DoesNotContain("s3cr3t-in-url", fixture.Handler.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-in-url", fixture.WorkflowsOf(repo).Single().ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayedPushUnderNewIds_IsDuplicate_AndMakesOneWorkflow()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var body = Encoding.UTF8.GetBytes(fixture.PushPayload(repo, "refs/tags/v1", GitHubPayloads.Zero, head).ToJsonString());
        var first = Guid.NewGuid().ToString();

        var (_, answer) = await fixture.Client.SendAsync("push", first, body);
        await fixture.Client.OutcomeAsync(repo.FullName, first);
        var replays = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            replays.Add((await fixture.Client.SendAsync("push", Guid.NewGuid().ToString(), body)).Body["status"]!.GetValue<string>());
        }

        Assert.Equal("queued", answer["status"]!.GetValue<string>());
        Assert.Equal(["duplicate", "duplicate", "duplicate"], replays);
        Assert.Single(fixture.WorkflowsOf(repo));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("-1")]
    public async Task MalformedWait_IsABadRequest(string wait)
    {
        using var response = await fixture.Client.Management.GetAsync($"/api/repositories/e2e/x/deliveries/d-1?wait={wait}");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static void Set(JsonObject payload, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(payload, (node, part) => node[part]!.AsObject());
        parent[parts[^1]] = value;
    }
}
