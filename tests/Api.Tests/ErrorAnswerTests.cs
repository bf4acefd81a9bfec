using K8sWebhookHandler.Api.Hosting;
using Orleans.Runtime;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>Which unhandled failures are the silo cluster not answering (503, worth asking again) rather than 500.</summary>
public sealed class ErrorAnswerTests
{
    public static TheoryData<Exception> Unavailable => new()
    {
        new SiloUnavailableException("the silo is gone"),
        (Exception)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(OrleansMessageRejectionException)),
        new TimeoutException("response did not arrive on time"),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void SiloClusterNotAnswering_IsUnavailable(Exception error) => Assert.True(ApiApplication.IsUnavailable(error));

    [Fact]
    public void AnyOtherFailure_IsNot()
    {
        Assert.False(ApiApplication.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(ApiApplication.IsUnavailable(null));
    }
}
