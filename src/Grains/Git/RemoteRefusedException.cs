using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// The remote a delivery names may not be fetched: not a URL libgit2 should see, not under
/// <c>Handler:Git:AllowedRemotes</c>, or a repository larger than <c>Handler:Git:MaxFetchBytes</c>. Final.
/// </summary>
public sealed class RemoteRefusedException(string message) : DeliveryRefusedException(message);
