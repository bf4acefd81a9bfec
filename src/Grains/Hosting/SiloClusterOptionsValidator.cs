using System.Net;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Hosting;

/// <summary>What every member of the cluster needs: Redis, and the ids that make silos and clients one cluster.</summary>
public sealed class SiloClusterOptionsValidator : IValidateOptions<SiloClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloClusterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            errors.Add("Handler:Cluster:RedisConnectionString is empty: set it (Handler__Cluster__RedisConnectionString=redis:6379) for cluster mode.");
        }
        else if (RedisProblem(options.RedisConnectionString) is { } problem)
        {
            errors.Add($"Handler:Cluster:RedisConnectionString is not a StackExchange.Redis configuration (host:port[,ssl=true][,option=value…]): {problem}");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add("Handler:Cluster:ClusterId and ServiceId must not be empty: leave them unset (k8s-webhook-handler), or set the same values on every silo and the Api.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? RedisProblem(string connectionString)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(connectionString).EndPoints.Count == 0 ? "it names no host" : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}

/// <summary>What a silo needs besides: ports it can listen on and an address others can reach it at.</summary>
public sealed class SiloEndpointsValidator : IValidateOptions<SiloClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloClusterOptions options)
    {
        var errors = new List<string>();
        if (!IsPort(options.SiloPort) || !IsPort(options.GatewayPort) || options.SiloPort == options.GatewayPort)
        {
            errors.Add("Handler:Cluster:SiloPort and GatewayPort must be two different ports from 1 to 65535 (defaults 11111 and 30000).");
        }

        if (!string.IsNullOrEmpty(options.AdvertisedAddress) && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            errors.Add($"Handler:Cluster:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address: set it to the address other silos reach this one at (the pod IP), or unset it for the first non-loopback address.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A port a silo can listen on and advertise.</summary>
    public static bool IsPort(int port) => port is > 0 and <= IPEndPoint.MaxPort;
}
