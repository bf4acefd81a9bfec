using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;
using static K8sWebhookHandler.Grains.Tests.Integration.GitHub.ReporterWorld;

namespace K8sWebhookHandler.Grains.Tests.Integration.GitHub;

/// <summary>GitHub failing, overloaded, rate limiting or silent: each maps to transient (with the time GitHub allows) or refused.</summary>
public sealed class CommitReporterFaultTests
{
    private static readonly string Creating = $"creating commit status '{Context}' on {Key}@{CredentialsWorld.Sha}";

    [Fact]
    public async Task GitHubAnswering503_IsTransient_WithoutNotBefore()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        world.Emulator.Faults.FailNext(1, 503);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal(($"GitHub answered 503 {Creating}; retrying later.", null), (failed.Message, failed.NotBefore));
        Assert.Empty(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha));
        world.AssertNoViolations();
    }

    [Fact]
    public async Task PrimaryRateLimitSpent_IsTransient_NotBeforeItsReset()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        var reset = world.Time.GetUtcNow().AddMinutes(17);
        world.Emulator.Faults.ExhaustPrimaryRateLimit(reset);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal(reset, failed.NotBefore);
        Assert.StartsWith($"GitHub's rate limit stops {Creating} until {reset:O} (it answered 403: API rate limit exceeded", failed.Message, StringComparison.Ordinal);
        world.AssertNoViolations();
    }

    [Theory]
    [InlineData(403)]
    [InlineData(429)]
    public async Task SecondaryRateLimit_IsTransient_NotBeforeRetryAfter(int status)
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.AppOptions());
        world.Emulator.Faults.SecondaryRateLimitNext(1, TimeSpan.FromSeconds(90), status, r => r.Path.EndsWith("/check-runs", StringComparison.Ordinal));

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal(world.Time.GetUtcNow().AddSeconds(90), failed.NotBefore);
        Assert.Empty(world.Emulator.CheckRuns.ForSha(Key.Value, CredentialsWorld.Sha));
        world.AssertNoViolations();
    }

    [Fact]
    public async Task TooManyRequestsSayingNoTime_IsTransient_NotBeforeAMinuteFromNow()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        world.Emulator.Faults.FailNext(1, 429);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.ReadAsync(Report(ReportOutcome.Running), CancellationToken.None));

        Assert.Equal(world.Time.GetUtcNow().AddMinutes(1), failed.NotBefore);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ForbiddenWithoutRateLimit_IsRefused_NamingWhatGitHubSaid()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        world.Emulator.Faults.FailNext(1, 403);

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.Equal($"GitHub answered 403 {Creating}: Injected fault", refused.Message);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task RepositoryGitHubDoesNotKnow_IsRefusedWith404()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        var report = Report(ReportOutcome.Running) with { Repository = Abstractions.Identity.RepositoryKey.Parse("octo-org/gone") };

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => reporter.SendAsync(report, null, CancellationToken.None));

        Assert.Equal($"GitHub answered 404 creating commit status '{Context}' on octo-org/gone@{CredentialsWorld.Sha}: Not Found", refused.Message);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task ThousandthStatusOfAContext_IsRefusedWith422_SayingWhy()
    {
        await using var world = await CredentialsWorld.StartAsync();
        using var reporter = world.Reporter(world.TokenOptions());
        var octocat = new Actor("octocat", 1, "User");
        for (var i = 0; i < StatusStore.LimitPerContext; i++)
        {
            world.Emulator.Statuses.Add(Key.Value, CredentialsWorld.Sha, "pending", null, "running", Context, octocat, world.Time.GetUtcNow());
        }

        var refused = await Assert.ThrowsAsync<DeliveryRefusedException>(() => reporter.SendAsync(Report(ReportOutcome.Succeeded, "succeeded"), null, CancellationToken.None));

        Assert.Equal($"GitHub answered 422 {Creating}: Validation Failed (This SHA and context has reached the maximum number of statuses.)", refused.Message);
        world.AssertNoViolations();
    }

    [Fact]
    public async Task NoAnswerWithinRequestTimeout_IsTransient_AndTheAbandonedRequestNeverLands()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var options = world.TokenOptions();
        options.RequestTimeout = TimeSpan.FromSeconds(20);
        using var reporter = world.Reporter(options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Emulator.Faults.HoldNext(1, release.Task);
        try
        {
            var stalled = reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None);
            var held = await world.Emulator.Requests.WaitUntilAsync(all => all.Count == 1).ContinueWith(_ => world.Emulator.Requests.Snapshot()[0], TaskScheduler.Default);
            world.Time.Advance(options.RequestTimeout);

            var failed = await Assert.ThrowsAsync<TransientException>(() => stalled);
            await held.Completed.WaitAsync(RequestLog.DefaultTimeout);

            Assert.Equal($"GitHub did not answer within 20 s (Handler:GitHub:RequestTimeout) {Creating}.", failed.Message);
            Assert.Equal(499, held.StatusCode);
            Assert.Empty(world.Emulator.Statuses.For(Key.Value, CredentialsWorld.Sha));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task NothingListeningAtTheApiUrl_IsTransient()
    {
        await using var world = await CredentialsWorld.StartAsync();
        var options = world.TokenOptions();
        options.ApiUrl = $"http://127.0.0.1:{ClosedPort()}/";
        using var reporter = world.Reporter(options);

        var failed = await Assert.ThrowsAsync<TransientException>(() => reporter.SendAsync(Report(ReportOutcome.Running), null, CancellationToken.None));

        Assert.StartsWith($"GitHub could not be reached {Creating}: ", failed.Message, StringComparison.Ordinal);
        Assert.Null(failed.NotBefore);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
