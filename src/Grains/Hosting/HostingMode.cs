using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Grains.Hosting;

/// <summary><c>Handler:Mode</c>: whether the Api hosts its own silo or joins a silo cluster as a client.</summary>
public enum HostingMode
{
    /// <summary>The all-in-one mode (the default): an in-process silo with file storage.</summary>
    Local,

    /// <summary>An Orleans client of the silo cluster in Redis (<see cref="SiloClusterOptions"/>).</summary>
    Cluster,
}

public static class HostingModeConfiguration
{
    /// <summary>The key of the hosting mode.</summary>
    public const string Key = "Handler:Mode";

    /// <summary>
    /// <c>Handler:Mode</c>, <see cref="HostingMode.Local"/> when unset. Read before anything is composed, because it
    /// decides what is.
    /// </summary>
    public static HostingMode GetHostingMode(this IConfiguration configuration) => configuration.GetValue(Key, HostingMode.Local);
}
