using K8sWebhookHandler.Api.Inspection;
using Microsoft.Extensions.Primitives;

namespace K8sWebhookHandler.Api.Tests;

public sealed class InspectionQueryTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("25.5")]
    [InlineData("99999999999999999999999999999999999999")]
    [InlineData("")]
    [InlineData(" 5")]
    public void MalformedWait_IsRefused(string wait)
    {
        Assert.False(InspectionEndpoints.TryParseWait(new StringValues(wait), out _));
    }

    [Fact]
    public void RepeatedWait_IsRefused()
    {
        Assert.False(InspectionEndpoints.TryParseWait(new StringValues(["1", "2"]), out _));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("10", 10)]
    [InlineData("2.5", 2.5)]
    [InlineData("25", 25)]
    public void WaitFrom0To25_IsThatManySeconds(string wait, double seconds)
    {
        Assert.True(InspectionEndpoints.TryParseWait(new StringValues(wait), out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }

    [Fact]
    public void NoWait_IsNoWait()
    {
        Assert.True(InspectionEndpoints.TryParseWait(StringValues.Empty, out var parsed));
        Assert.Equal(TimeSpan.Zero, parsed);
    }
}
