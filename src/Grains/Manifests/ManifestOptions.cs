using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>
/// Where a repository's manifest is (<c>Handler:ManifestPath</c>) and what it may cost to read (<c>Handler:Manifest:*</c>):
/// hostile YAML is refused, not expanded. Validated by <see cref="ManifestOptionsValidator"/>.
/// </summary>
public sealed class ManifestOptions
{
    /// <summary>The section the settings are read from; the limits name their <c>Manifest:</c> key.</summary>
    public const string Section = "Handler";

    /// <summary><c>Handler:ManifestPath</c>: the manifest's path inside the repository. Default <c>.ci/workflow.yaml</c>.</summary>
    public string ManifestPath { get; set; } = ".ci/workflow.yaml";

    /// <summary><c>Handler:Manifest:MaxBytes</c>: largest manifest file, in bytes. Default 1 MiB.</summary>
    [ConfigurationKeyName("Manifest:MaxBytes")]
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary><c>Handler:Manifest:MaxDepth</c>: deepest nesting of mappings and sequences. Default 64.</summary>
    [ConfigurationKeyName("Manifest:MaxDepth")]
    public int MaxDepth { get; set; } = 64;

    /// <summary><c>Handler:Manifest:MaxNodes</c>: most nodes after alias expansion: a small alias bomb must not become a large document. Default 100000.</summary>
    [ConfigurationKeyName("Manifest:MaxNodes")]
    public int MaxNodes { get; set; } = 100_000;

    /// <summary><c>Handler:Manifest:MaxObjects</c>: most objects in one manifest. Default 50.</summary>
    [ConfigurationKeyName("Manifest:MaxObjects")]
    public int MaxObjects { get; set; } = 50;
}
