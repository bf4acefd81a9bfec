using System.Text.Json;
using K8sWebhookHandler.Grains.Failures;
using Octokit;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// An installation token reaches one repository, the delivery's: a signed payload may name any installation of the
/// App, so the handler never holds a token wider than that.
/// </summary>
public sealed class InstallationTokenScopeTests
{
    [Fact]
    public async Task Token_IsAskedForTheRepositoryAlone_AndGitHubRefusesItForAnotherOfTheInstallation()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());

        var credential = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var own = await world.Client(credential.Token).Repository.Status.GetCombined(CredentialsWorld.Owner, CredentialsWorld.Repo, CredentialsWorld.Sha);
        var sibling = await Assert.ThrowsAsync<NotFoundException>(() =>
            world.Client(credential.Token).Repository.Status.GetCombined(CredentialsWorld.Owner, CredentialsWorld.Sibling.Name, CredentialsWorld.Sha));

        using var body = JsonDocument.Parse(Assert.Single(world.TokenRequests()).Body);
        Assert.Equal(["hello"], body.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["octo-org/hello"], Assert.Single(world.Emulator.Credentials.Issued).Repositories);
        Assert.Equal(CredentialsWorld.Repository, credential.Repository);
        Assert.Equal(0, own.TotalCount);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, sibling.StatusCode);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task TwoRepositoriesOfOneInstallation_HaveATokenEach_CachedAndRenewedApart()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());

        var hello = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var sibling = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Sibling, CancellationToken.None);
        credentials.Invalidate(hello);
        var helloRenewed = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Repository, CancellationToken.None);
        var siblingAgain = await credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Sibling, CancellationToken.None);

        Assert.Equal(
            [["octo-org/hello"], ["octo-org/sibling"], ["octo-org/hello"]],
            world.Emulator.Credentials.Issued.Select(t => t.Repositories.ToArray()));
        Assert.NotEqual(hello.Token, helloRenewed.Token);
        Assert.Same(sibling, siblingAgain);
        Assert.Equal(CredentialsWorld.Sibling, sibling.Repository);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task RepositoryTheInstallationDoesNotCover_IsRefusedWithGitHubs422()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var credentials = world.Credentials(world.AppOptions());

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() =>
            credentials.ForInstallationAsync(CredentialsWorld.Installation, CredentialsWorld.Elsewhere, CancellationToken.None).AsTask());

        Assert.Equal(
            $"GitHub App {CredentialsWorld.AppId} asking for a token of installation {CredentialsWorld.Installation} for other-org/private at {world.Emulator.BaseUri}: " +
            $"GitHub answered 422; installation {CredentialsWorld.Installation} does not cover other-org/private (the App is not installed on it, or the event names another account's installation).",
            refused.Message);
        Assert.Equal(422, Assert.Single(world.TokenRequests()).StatusCode);
        Assert.Empty(world.Emulator.Credentials.Issued);
        world.AssertNoViolations();
    }
}
