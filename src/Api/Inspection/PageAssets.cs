using System.Collections.Frozen;

namespace K8sWebhookHandler.Api.Inspection;

/// <summary>
/// The inspection page's files, embedded in this assembly (so that a published program carries them) and read once:
/// each with its content type, by the path the page asks for.
/// </summary>
public sealed class PageAssets
{
    private const string ResourcePrefix = "K8sWebhookHandler.Api.Inspection.Page.";

    private static readonly FrozenDictionary<string, (string Resource, string ContentType)> Files =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["/"] = ("index.html", "text/html; charset=utf-8"),
            ["/page/core.js"] = ("core.js", "text/javascript; charset=utf-8"),
            ["/page/recovery.js"] = ("recovery.js", "text/javascript; charset=utf-8"),
            ["/page/app.js"] = ("app.js", "text/javascript; charset=utf-8"),
            ["/page/app.css"] = ("app.css", "text/css; charset=utf-8"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Asset> _assets =
        Files.ToFrozenDictionary(f => f.Key, f => new Asset(Read(f.Value.Resource), f.Value.ContentType), StringComparer.Ordinal);

    /// <summary>The paths the page's files are served at.</summary>
    public static IEnumerable<string> Paths => Files.Keys;

    /// <summary>The file served at <paramref name="path"/>.</summary>
    public Asset this[string path] => _assets[path];

    private static byte[] Read(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"the inspection page's {name} is not embedded in {typeof(PageAssets).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>One file's bytes and content type.</summary>
    public sealed record Asset(byte[] Content, string ContentType);
}
