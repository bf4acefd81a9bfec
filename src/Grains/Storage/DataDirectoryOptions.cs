namespace K8sWebhookHandler.Grains.Storage;

/// <summary>
/// <c>Handler:DataDirectory</c>: the one directory the handler writes to. Grain state in the local mode
/// (<c>grains/</c>), the git mirrors (<c>mirrors/</c>), dry-run output (<c>dry-run/</c>) and the readiness probe's file
/// live under it.
/// </summary>
public sealed class DataDirectoryOptions
{
    /// <summary>The section the setting is read from (its key is <c>Handler:DataDirectory</c>).</summary>
    public const string Section = "Handler";

    /// <summary>A writable directory; relative paths are the working directory's. Default <c>.data</c>.</summary>
    public string DataDirectory { get; set; } = ".data";
}
