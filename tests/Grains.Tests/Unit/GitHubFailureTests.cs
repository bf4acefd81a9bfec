using System.Net;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.GitHub;
using Octokit;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Which of GitHub's answers are rate limits, and until when; the rest refused or transient.</summary>
public sealed class GitHubFailureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 18, 0, 0, TimeSpan.Zero);

    private static ApiException Answer(HttpStatusCode status, string message, params (string Name, string Value)[] headers)
    {
        var response = new Answered(status, $$"""{"message":"{{message}}"}""", headers.ToDictionary(h => h.Name, h => h.Value), "application/json");
        return status == HttpStatusCode.Forbidden && message.Contains("rate limit exceeded", StringComparison.Ordinal)
            ? new RateLimitExceededException(response)
            : new ApiException(response);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void RemainingZero_WaitsForTheReset(HttpStatusCode status)
    {
        var answer = Answer(status, "API rate limit exceeded", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1764441000"));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764441000), GitHubFailure.RateLimitedUntil(answer, Now));
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("Sun, 29 Nov 2026 18:05:00 GMT", 300)]
    public void RetryAfter_InSecondsOrAsADate_IsWhenToRetry(string retryAfter, int seconds)
    {
        var answer = Answer(HttpStatusCode.Forbidden, "You have exceeded a secondary rate limit", ("Retry-After", retryAfter));

        Assert.Equal(Now.AddSeconds(seconds), GitHubFailure.RateLimitedUntil(answer, Now));
    }

    [Fact]
    public void BothLimits_WaitsForTheLater()
    {
        var reset = Now.AddMinutes(10);
        var answer = Answer(HttpStatusCode.Forbidden, "x", ("retry-after", "60"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(reset, GitHubFailure.RateLimitedUntil(answer, Now));
    }

    [Fact]
    public void RateLimitSayingNoTime_WaitsAMinute()
    {
        Assert.Equal(Now.AddMinutes(1), GitHubFailure.RateLimitedUntil(Answer(HttpStatusCode.TooManyRequests, "slow down"), Now));
        Assert.Equal(Now.AddMinutes(1), GitHubFailure.RateLimitedUntil(Answer(HttpStatusCode.Forbidden, "API rate limit exceeded for installation"), Now));
    }

    [Fact]
    public void ForbiddenWithRemainingLeft_IsNoRateLimit_AndRefused()
    {
        var answer = Answer(HttpStatusCode.Forbidden, "Resource not accessible by integration", ("x-ratelimit-remaining", "4999"));

        Assert.Null(GitHubFailure.RateLimitedUntil(answer, Now));
        var refused = Assert.IsType<DeliveryRefusedException>(GitHubFailure.Of(answer, "creating a status", Now));
        Assert.Equal("GitHub answered 403 creating a status: Resource not accessible by integration", refused.Message);
    }

    [Fact]
    public void ServerErrorAndNetworkError_AreTransientWithoutTime_AndOtherExceptionsAreNotMapped()
    {
        var server = Assert.IsType<TransientException>(GitHubFailure.Of(Answer(HttpStatusCode.BadGateway, "bad gateway"), "reading", Now));
        var network = Assert.IsType<TransientException>(GitHubFailure.Of(new HttpRequestException("Connection refused"), "reading", Now));

        Assert.Equal(("GitHub answered 502 reading; retrying later.", (DateTimeOffset?)null), (server.Message, server.NotBefore));
        Assert.Equal("GitHub could not be reached reading: Connection refused", network.Message);
        Assert.Null(GitHubFailure.Of(new InvalidOperationException("a bug"), "reading", Now));
    }

    /// <summary>An answer as Octokit passes it on (its own Response type is internal).</summary>
    private sealed record Answered(HttpStatusCode StatusCode, object Body, IReadOnlyDictionary<string, string> Headers, string ContentType) : IResponse
    {
        public ApiInfo ApiInfo => new(new Dictionary<string, Uri>(), [], [], "", new RateLimit(Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value)));
    }
}
