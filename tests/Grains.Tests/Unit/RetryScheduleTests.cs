using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Queued = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    private static RetrySchedule Schedule(int? maxAttempts = null) => new(new HandlerOptions
    {
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromMinutes(5),
        RetryFor = TimeSpan.FromDays(3),
        MaxAttempts = maxAttempts,
    });

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(500, 300)]
    public void Delay_DoublesPerAttempt_UpToTheMaximum(int attempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Schedule().Delay(attempts));
    }

    [Fact]
    public void OutageLongerThanTheOldEightAttempts_IsStillRetried()
    {
        var now = Queued + TimeSpan.FromHours(2);

        Assert.Equal(now + TimeSpan.FromMinutes(5), Schedule().NextAttempt(40, Queued, now));
    }

    [Fact]
    public void RetryFor_Passed_GivesUp()
    {
        var now = Queued + TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1);

        Assert.Null(Schedule().NextAttempt(900, Queued, now));
        Assert.Equal(now + TimeSpan.FromMinutes(1), Schedule().NextAttempt(900, Queued, now - TimeSpan.FromMinutes(4)));
    }

    [Fact]
    public void MaxAttempts_WhenSet_AlsoEndsIt()
    {
        Assert.Null(Schedule(maxAttempts: 3).NextAttempt(3, Queued, Queued));
        Assert.NotNull(Schedule(maxAttempts: 3).NextAttempt(2, Queued, Queued));
    }
}
