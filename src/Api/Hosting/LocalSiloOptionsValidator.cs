using K8sWebhookHandler.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Hosting;

/// <summary>Refuses ports the in-process silo cannot listen on.</summary>
public sealed class LocalSiloOptionsValidator : IValidateOptions<LocalSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalSiloOptions options) =>
        SiloEndpointsValidator.IsPort(options.SiloPort) && SiloEndpointsValidator.IsPort(options.GatewayPort) && options.SiloPort != options.GatewayPort
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Handler:Local:SiloPort and GatewayPort must be two different ports from 1 to 65535 (defaults 11111 and 30000).");
}
