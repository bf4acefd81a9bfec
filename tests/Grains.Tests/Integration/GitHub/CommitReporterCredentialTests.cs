using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;
using static K8sWebhookHandler.Grains.Tests.Integration.GitHub.ReporterWorld;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>
/// A refused credential is renewed once; the credential never follows a redirect to another origin: not to another host
/// (Octokit drops the header itself), nor to another port of the same host (Octokit would keep it; ApiOriginHandler drops it).
/// </summary>
public sealed class CommitReporterCredentialTests
{
    private static bool IsCheckRunCreate(GitHubApiEmulator.Diagnostics.RecordedRequest r) =>
        r.Method == "POST" && r.Path.EndsWith("/check-runs", StringComparison.Ordinal);

    [Fact]
    public async Task InstallationTokenRefusedOnce_IsRenewedOnce_AndTheReportLands()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        world.Emulator.Faults.FailNext(1, 401, IsCheckRunCreate);

        var id = await reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None);

        Assert.Equal(2, world.TokenRequests().Count);
        Assert.Equal([401, 201], world.ReportRequests().Select(r => r.StatusCode));
        Assert.Equal("in_progress", world.Emulator.CheckRuns.Get(id!.Value)!.Status);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task InstallationTokenRefusedTwice_IsTransient_AfterOneRenewal()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        world.Emulator.Faults.FailNext(2, 401, IsCheckRunCreate);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        var renewed = world.Emulator.Credentials.Issued[1];
        Assert.Equal(
            $"GitHub answered 401 creating check run '{Context}' on {Key}@{CredentialsWorld.Sha}: it refused the token of installation 7001 for {Key} until {renewed.ExpiresAt:O}, a renewed one. Check that the App is still installed and may write checks.",
            failed.Message);
        Assert.Equal((2, 2), (world.TokenRequests().Count, world.ReportRequests().Count));
        Assert.Null(failed.NotBefore);
    }

    [Fact]
    public async Task ConfiguredTokenRefused_IsTransient_WithoutASecondRequest()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        world.Emulator.Faults.FailNext(1, 401);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal(
            $"GitHub answered 401 creating commit status '{Context}' on {Key}@{CredentialsWorld.Sha}: it refused the configured token. Check Handler:GitHub:Token (or GITHUB_TOKEN): it may be revoked or expired.",
            failed.Message);
        Assert.Single(world.ReportRequests());
        Assert.DoesNotContain(CredentialsWorld.PersonalToken, failed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task RedirectToAnotherOrigin_ArrivesWithoutTheToken(string host)
    {
        await using var world = await CredentialsWorld.StartAsync();
        await using var redirector = new RedirectingServer(new UriBuilder(world.Emulator.BaseUri) { Host = host }.Uri);
        var options = world.TokenOptions();
        options.ApiUrl = redirector.BaseUri.ToString();
        using var reporter = world.Reporter(options);

        await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal([$"Token {CredentialsWorld.PersonalToken}"], redirector.Authorizations);
        var redirected = Assert.Single(world.Emulator.Requests.Snapshot());
        Assert.Equal((IdentityKind.Anonymous, 401), (redirected.Identity!.Kind, redirected.StatusCode));
        Assert.Empty(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha));
    }

    [Fact]
    public async Task InstallationTokenRequestRedirectedToAnotherPort_ArrivesWithoutTheJwt()
    {
        await using var world = await CredentialsWorld.StartAsync();
        await using var redirector = new RedirectingServer(world.Emulator.BaseUri);
        var options = world.AppOptions();
        options.ApiUrl = redirector.BaseUri.ToString();
        using var reporter = world.Reporter(options);

        await Assert.ThrowsAsync<DeliveryRefusedException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.StartsWith("Bearer eyJ", Assert.Single(redirector.Authorizations), StringComparison.Ordinal);
        var redirected = Assert.Single(world.Emulator.Requests.Snapshot());
        Assert.Equal((IdentityKind.Anonymous, 401), (redirected.Identity!.Kind, redirected.StatusCode));
        Assert.Empty(world.Emulator.Credentials.Issued);
    }
}
