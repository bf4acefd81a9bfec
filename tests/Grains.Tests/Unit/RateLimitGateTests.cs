using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>A rate limit learnt by one repository's request holds back every request with that credential.</summary>
public sealed class RateLimitGateTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly Counting _github = new();

    private static CommitReport Report(string repository, long? installation) =>
        new(RepositoryKey.Parse(repository), new string('a', 40), "ci", ReportOutcome.Running, "running", null, installation);

    [Fact]
    public async Task LimitSeenByOneRepository_HoldsBackTheOthersWithThatCredential_UntilItsReset()
    {
        var gate = new RateLimitGate(_github, _clock, perInstallation: true);
        var reset = _clock.GetUtcNow().AddMinutes(10);
        _github.Limit = reset;
        await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/one", 7), null, CancellationToken.None));
        _github.Limit = null;

        var held = await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/two", 7), null, CancellationToken.None));
        var read = await Assert.ThrowsAsync<TransientException>(() => gate.ReadAsync(Report("o/three", 7), CancellationToken.None));
        await gate.SendAsync(Report("o/four", 8), null, CancellationToken.None);
        await gate.SendAsync(Report("o/five", null), null, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(10));
        await gate.SendAsync(Report("o/two", 7), null, CancellationToken.None);

        Assert.Equal((reset, reset), (held.NotBefore, read.NotBefore));
        Assert.Equal(["o/one", "o/four", "o/five", "o/two"], _github.Calls);
    }

    [Fact]
    public async Task WithTheConfiguredToken_ALimitHoldsBackEveryReport_WhateverInstallationItsEventNamed()
    {
        var gate = new RateLimitGate(_github, _clock, perInstallation: false);
        _github.Limit = _clock.GetUtcNow().AddMinutes(10);
        await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/one", 7), null, CancellationToken.None));
        _github.Limit = null;

        await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/two", 8), null, CancellationToken.None));
        await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/three", null), null, CancellationToken.None));

        Assert.Equal(["o/one"], _github.Calls);
    }

    [Fact]
    public async Task FailureWithoutAReset_HoldsNothingBack()
    {
        var gate = new RateLimitGate(_github, _clock, perInstallation: true);
        _github.Failure = new TransientException("503");
        await Assert.ThrowsAsync<TransientException>(() => gate.SendAsync(Report("o/one", 7), null, CancellationToken.None));
        _github.Failure = null;

        await gate.SendAsync(Report("o/two", 7), null, CancellationToken.None);

        Assert.Equal(["o/one", "o/two"], _github.Calls);
    }

    private sealed class Counting : ICommitReporter
    {
        public List<string> Calls { get; } = [];

        public DateTimeOffset? Limit { get; set; }

        public Exception? Failure { get; set; }

        public Task<long?> SendAsync(CommitReport report, long? checkRun, CancellationToken cancellationToken) => Answer<long?>(report, null);

        public Task<ShownReport?> ReadAsync(CommitReport report, CancellationToken cancellationToken) => Answer<ShownReport?>(report, null);

        private Task<T> Answer<T>(CommitReport report, T value)
        {
            Calls.Add(report.Repository.Value);
            return Limit is { } reset ? throw new TransientException("403 rate limited") { NotBefore = reset }
                : Failure is { } failure ? throw failure
                : Task.FromResult(value);
        }
    }
}
