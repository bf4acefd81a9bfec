namespace K8sWebhookHandler.Api.Hosting;

/// <summary>
/// <c>Handler:Local</c>: the in-process silo of the local all-in-one mode, on loopback. Validated by
/// <see cref="LocalSiloOptionsValidator"/>.
/// </summary>
public sealed class LocalSiloOptions
{
    /// <summary>The section the settings are read from.</summary>
    public const string Section = "Handler:Local";

    /// <summary><c>Handler:Local:SiloPort</c>: silo-to-silo port on loopback. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary><c>Handler:Local:GatewayPort</c>: client gateway port on loopback. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;
}
