using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Api.Rendering;

/// <summary>
/// The manifest <c>render</c> is given, the same at every revision. A file that is missing or unreadable is an
/// <see cref="IOException"/>, which <c>render</c> reports as it is.
/// </summary>
internal sealed class LocalManifestFile(string path) : IManifestSource
{
    public async Task<SourceFile?> ReadAsync(WebhookEvent webhookEvent, string revision, string manifestPath, long maxBytes, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        return new SourceFile(path, size, size > maxBytes ? null : await File.ReadAllTextAsync(path, cancellationToken));
    }
}
