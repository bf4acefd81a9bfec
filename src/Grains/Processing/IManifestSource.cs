using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>A file as a source holds it at one revision.</summary>
/// <param name="Path">How refusals name it: its path in the repository, or the local file.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Text">Its text; null when it is larger than the reader takes, so the source did not load it.</param>
public sealed record SourceFile(string Path, long Size, string? Text);

/// <summary>
/// Where the manifest comes from: the event's repository at a revision (the git adapter), or a local file for
/// <c>render</c>. A refused remote throws <see cref="Failures.DeliveryRefusedException"/>, an unreachable one
/// <see cref="Failures.TransientException"/>.
/// </summary>
public interface IManifestSource
{
    /// <summary>The file at <paramref name="path"/> at <paramref name="revision"/>, or null when that revision has no such file.</summary>
    /// <param name="webhookEvent">The delivery, which names the repository.</param>
    /// <param name="revision">The commit to read at.</param>
    /// <param name="path">The manifest's path in the repository.</param>
    /// <param name="maxBytes">A larger file is not loaded: only its size is answered.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    Task<SourceFile?> ReadAsync(WebhookEvent webhookEvent, string revision, string path, long maxBytes, CancellationToken cancellationToken);
}
