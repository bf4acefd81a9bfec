using K8sWebhookHandler.Api.Hosting;
using K8sWebhookHandler.Api.Webhooks;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The Api's own options refuse what cannot work, saying what to set.</summary>
public sealed class ApiOptionsValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WebhookBodyLimitThatAdmitsNoBody_IsRefused(long maxBodyBytes)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { Insecure = true, MaxBodyBytes = maxBodyBytes });

        Assert.Equal(["Handler:MaxBodyBytes must be positive: set it to the largest body to accept, in bytes (default 26214400, GitHub's 25 MB)."], result.Failures);
    }

    [Theory]
    [InlineData(0, 30000)]
    [InlineData(11111, 70000)]
    [InlineData(30000, 30000)]
    public void LocalSiloPortsThatCannotBeListenedOn_AreRefused(int siloPort, int gatewayPort)
    {
        var result = new LocalSiloOptionsValidator().Validate(null, new LocalSiloOptions { SiloPort = siloPort, GatewayPort = gatewayPort });

        Assert.Equal(["Handler:Local:SiloPort and GatewayPort must be two different ports from 1 to 65535 (defaults 11111 and 30000)."], result.Failures);
    }

    [Fact]
    public void LocalSiloDefaults_AreValid() =>
        Assert.True(new LocalSiloOptionsValidator().Validate(null, new LocalSiloOptions()).Succeeded);
}
