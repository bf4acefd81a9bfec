using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Repositories;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Queued = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    private static RetrySchedule Schedule(int? maxAttempts = null) => new(new DeliveryOptions
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

    [Fact]
    public void FailingEveryTime_OnAFakeClock_IsTriedAtTheDoublingDelaysThenEveryMaximum_UntilTheNextWouldFallPastRetryFor()
    {
        var schedule = new RetrySchedule(new DeliveryOptions
        {
            RetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromMinutes(5),
            RetryFor = TimeSpan.FromHours(1),
        });

        var attempts = AttemptTimes(schedule, new FakeTimeProvider(Queued));

        int[] doubling = [0, 1, 3, 7, 15, 31, 63, 127, 255, 511];
        var capped = Enumerable.Range(1, 10).Select(i => 511 + (300 * i));
        Assert.Equal(doubling.Concat(capped).Select(s => TimeSpan.FromSeconds(s)), attempts);
        Assert.True(attempts[^1] + TimeSpan.FromMinutes(5) > TimeSpan.FromHours(1));
    }

    [Fact]
    public void MaxAttempts_OnAFakeClock_EndsAtExactlyThatManyAttempts()
    {
        var attempts = AttemptTimes(Schedule(maxAttempts: 5), new FakeTimeProvider(Queued));

        Assert.Equal(new[] { 0, 1, 3, 7, 15 }.Select(s => TimeSpan.FromSeconds(s)), attempts);
    }

    [Fact]
    public void NextAttemptExactlyAtTheEndOfRetryFor_IsStillMade_ATickLaterItIsNot()
    {
        var options = new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(1), RetryFor = TimeSpan.FromHours(1) };
        var lastChance = Queued + TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1);

        Assert.Equal(Queued + TimeSpan.FromHours(1), new RetrySchedule(options).NextAttempt(7, Queued, lastChance));
        Assert.Null(new RetrySchedule(options).NextAttempt(7, Queued, lastChance + TimeSpan.FromTicks(1)));
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 30)]
    [InlineData(4, 240)]
    [InlineData(5, 365)]
    [InlineData(int.MaxValue, 365)]
    public void LongFirstDelay_DoublesToTheMaximum_WithoutOverflowing(int attempts, int days)
    {
        var schedule = new RetrySchedule(new DeliveryOptions { RetryDelay = TimeSpan.FromDays(30), MaxRetryDelay = TimeSpan.FromDays(365), RetryFor = TimeSpan.FromDays(3650) });

        Assert.Equal(TimeSpan.FromDays(days), schedule.Delay(attempts));
    }

    [Fact]
    public void ShortFirstDelay_KeepsDoublingPastTwentyAttempts_UntilTheMaximum()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromHours(1) });

        Assert.Equal(TimeSpan.FromMilliseconds(1 << 21), schedule.Delay(22));
        Assert.Equal(TimeSpan.FromHours(1), schedule.Delay(23));
    }

    /// <summary>Runs a delivery that fails at once on every attempt; returns when each attempt was made, from its queueing.</summary>
    private static List<TimeSpan> AttemptTimes(RetrySchedule schedule, FakeTimeProvider clock)
    {
        var queued = clock.GetUtcNow();
        var times = new List<TimeSpan>();
        for (var attempts = 1; ; attempts++)
        {
            times.Add(clock.GetUtcNow() - queued);
            if (schedule.NextAttempt(attempts, queued, clock.GetUtcNow()) is not { } next)
            {
                return times;
            }

            clock.SetUtcNow(next);
        }
    }
}
