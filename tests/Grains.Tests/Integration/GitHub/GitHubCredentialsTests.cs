using K8sWebhookHandler.Grains.GitHub;
using Octokit;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>The configured token, and a GitHub App's installation tokens (issued, cached, renewed, shared) from the emulator.</summary>
public sealed class GitHubCredentialsTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ConfiguredToken_IsReturnedAsConfigured_WithoutAskingGitHub()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.TokenOptions());

        var forRepositoryWebhook = await credentials.ForInstallationAsync(null, CredentialsWorld.Repository, CancellationToken.None);
        var forAppEvent = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        Assert.Equal(GitHubCredential.Configured(CredentialsWorld.PersonalToken), forRepositoryWebhook);
        Assert.Equal(new GitHubCredential(CredentialsWorld.PersonalToken, GitHubCredentialKind.ConfiguredToken, null, null), forAppEvent);
        Assert.False(credentials.Invalidate(forAppEvent));
        Assert.Equal("the configured token", forAppEvent.ToString());
        Assert.Empty(world.Emulator.Requests.Snapshot());
    }

    [Fact]
    public async Task App_GetsAnInstallationToken_ThatGitHubAcceptsForTheRepository()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());

        var credential = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var status = await world.Client(credential.Token).Repository.Status.Create(
            CredentialsWorld.Owner, CredentialsWorld.Repo, CredentialsWorld.Sha, new NewCommitStatus { State = CommitState.Pending, Context = "k8s-webhook-handler/build" });

        var issued = Assert.Single(world.Emulator.Credentials.Issued);
        Assert.Equal(new GitHubCredential(issued.Token, GitHubCredentialKind.InstallationToken, CredentialsWorld.Installation, world.Time.GetUtcNow().AddHours(1), CredentialsWorld.Repository), credential);
        Assert.StartsWith("ghs_", credential.Token, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Token, credential.ToString(), StringComparison.Ordinal);
        Assert.Equal(CommitState.Pending, status.State.Value);
        var requests = world.Emulator.Requests.Snapshot();
        Assert.Equal(
            [($"POST", "/app/installations/7001/access_tokens", $"app:{CredentialsWorld.AppId}", 201), ("POST", $"/repos/octo-org/hello/statuses/{CredentialsWorld.Sha}", "installation:7001", 201)],
            requests.Select(r => (r.Method, r.Path, r.Identity?.ToString(), r.StatusCode)));
        world.AssertNoViolations();
    }

    [Fact]
    public async Task EnterpriseApiUrl_IsUsedAsConfigured_WithoutASecondApiV3()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var options = world.AppOptions();
        options.ApiUrl = new Uri(world.Emulator.BaseUri, "api/v3").ToString();
        var credentials = world.Credentials(options);

        var credential = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        Assert.Equal(world.Emulator.Credentials.Issued.Single().Token, credential.Token);
        Assert.Equal(201, Assert.Single(world.TokenRequests()).StatusCode);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task InstallationToken_IsCached_AndRenewedOnceLessThanFiveMinutesAreLeft()
    {
        await using var world = await CredentialsWorld.StartAsync();
        world.Emulator.Credentials.InstallationTokenLifetime = TenMinutes;
        var credentials = world.Credentials(world.AppOptions());

        var first = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var again = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var withJustOverFiveMinutesLeft = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        world.Time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var renewedAgain = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        Assert.Same(first, again);
        Assert.Same(first, withJustOverFiveMinutesLeft);
        Assert.NotEqual(first.Token, renewed.Token);
        Assert.Same(renewed, renewedAgain);
        Assert.Equal(world.Time.GetUtcNow() + TenMinutes, renewed.ExpiresAt);
        Assert.Equal(2, world.TokenRequests().Count);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ConcurrentCallers_WhileATokenIsBeingIssued_ShareOneRequest()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Emulator.Faults.HoldNext(1, release.Task);

        var callers = Enumerable.Range(0, 8).Select(_ => credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask()).ToArray();
        await world.Emulator.Requests.WaitUntilAsync(all => all.Count == 1);
        release.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Single(tokens.Select(t => t.Token).Distinct());
        Assert.Equal(world.Emulator.Credentials.Issued.Single().Token, tokens[0].Token);
        Assert.Single(world.TokenRequests());
        world.AssertNoViolations();
    }

    [Fact]
    public async Task CallerThatGivesUp_DoesNotCancelTheRequestOthersWaitFor()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Emulator.Faults.HoldNext(1, release.Task);
        using var givesUp = new CancellationTokenSource();

        var impatient = credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, givesUp.Token).AsTask();
        var patient = credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask();
        await world.Emulator.Requests.WaitUntilAsync(all => all.Count == 1);
        await givesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        release.SetResult();
        var credential = await patient;

        Assert.Equal(world.Emulator.Credentials.Issued.Single().Token, credential.Token);
        Assert.Equal(201, Assert.Single(world.TokenRequests()).StatusCode);
    }

    [Fact]
    public async Task Invalidate_AfterA401_GivesOneNewToken_EvenWhenSeveralCallersWereRefusedTheSameOne()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());
        var refused = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        var firstCaller = credentials.Invalidate(refused);
        var secondCaller = credentials.Invalidate(refused);
        var fresh = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var lateCaller = credentials.Invalidate(refused);
        var stillFresh = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        Assert.True(firstCaller && secondCaller && lateCaller);
        Assert.NotEqual(refused.Token, fresh.Token);
        Assert.Same(fresh, stillFresh);
        Assert.Equal([refused.Token, fresh.Token], world.Emulator.Credentials.Issued.Select(t => t.Token));
        Assert.Equal(2, world.TokenRequests().Count);
        world.AssertNoViolations();
    }
}
