using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Manifests;

/// <summary>A manifest that cannot be used: broken or hostile YAML, a missing kind, a policy violation.</summary>
public sealed class ManifestException(string message) : DeliveryRefusedException(message);
