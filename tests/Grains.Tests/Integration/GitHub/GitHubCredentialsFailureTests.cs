using System.Security.Cryptography;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.GitHub;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>When no token can be had: a clear refusal naming the App and installation, never a secret; or a transient failure.</summary>
public sealed class GitHubCredentialsFailureTests
{
    [Fact]
    public async Task App_AndAnEventWithoutInstallation_IsRefusedSayingTheEventCarriesNone()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => credentials.ForInstallationAsync(null, CredentialsWorld.Repository, CancellationToken.None).AsTask());

        Assert.StartsWith("The event carries no installation (installation.id): it comes from a repository or organization webhook, not from GitHub App 424242", refused.Message, StringComparison.Ordinal);
        Assert.Empty(world.Emulator.Requests.Snapshot());
    }

    [Fact]
    public async Task NeitherTokenNorApp_IsRefusedSayingWhatToSet()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(new GitHubOptions { ApiUrl = world.Emulator.BaseUri.ToString() });

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask());

        Assert.Equal("No GitHub credentials are configured: set Handler:GitHub:Token (or GITHUB_TOKEN), or a GitHub App with Handler:GitHub:AppId and its private key.", refused.Message);
    }

    [Fact]
    public async Task KeyGitHubDoesNotKnow_IsRefusedNamingTheAppAndInstallation_WithoutTheJwtOrKey()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var otherKey = RSA.Create(2048);
        var options = world.AppOptions(otherKey);
        var credentials = world.Credentials(options);

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask());

        Assert.StartsWith($"GitHub App 424242 asking for a token of installation 7001 for octo-org/hello at {world.Emulator.BaseUri}: GitHub answered 401, the App's token was refused.", refused.Message, StringComparison.Ordinal);
        AssertNoSecret(refused, options);
        Assert.Equal(401, Assert.Single(world.TokenRequests()).StatusCode);
        Assert.Empty(world.Emulator.Credentials.Issued);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task InstallationOfAnotherApp_IsRefusedWith404NamingIt()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var options = world.AppOptions();
        var credentials = world.Credentials(options);

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => credentials.ForInstallationAsync(9999, CredentialsWorld.Repository, CancellationToken.None).AsTask());

        Assert.Equal(
            $"GitHub App 424242 asking for a token of installation 9999 for octo-org/hello at {world.Emulator.BaseUri}: GitHub answered 404; the App 424242 is not installed as installation 9999 (uninstalled, or another App's installation).",
            refused.Message);
        AssertNoSecret(refused, options);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task GitHubAnswering503_IsTransient_AndTheNextCallAsksAgain()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());
        world.Emulator.Faults.FailNext(1, 503);

        var failed = await Assert.ThrowsAsync<TransientException>(() => credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask());
        var credential = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);

        Assert.Equal($"GitHub App 424242 asking for a token of installation 7001 for octo-org/hello at {world.Emulator.BaseUri}: GitHub answered 503; retrying later.", failed.Message);
        Assert.Equal(world.Emulator.Credentials.Issued.Single().Token, credential.Token);
        Assert.Equal([503, 201], world.TokenRequests().Select(r => r.StatusCode));
    }

    [Fact]
    public async Task GitHubNotAnsweringWithinRequestTimeout_IsTransient()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var options = world.AppOptions();
        options.RequestTimeout = TimeSpan.FromSeconds(20);
        var credentials = world.Credentials(options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Emulator.Faults.HoldNext(1, release.Task);
        try
        {
            var stalled = credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None).AsTask();
            await world.Emulator.Requests.WaitUntilAsync(all => all.Count == 1);
            world.Time.Advance(options.RequestTimeout);

            var failed = await Assert.ThrowsAsync<TransientException>(() => stalled);

            Assert.Equal($"GitHub App 424242 asking for a token of installation 7001 for octo-org/hello at {world.Emulator.BaseUri}: GitHub did not answer within 20 s (Handler:GitHub:RequestTimeout).", failed.Message);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    /// <summary>Neither the message nor any inner exception's carries the key, a JWT (base64url JSON, "eyJ") or a token.</summary>
    private static void AssertNoSecret(Exception refused, GitHubOptions options)
    {
        for (var e = (Exception?)refused; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain("eyJ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(options.Token!, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("eyJ", refused.ToString(), StringComparison.Ordinal);
    }
}
