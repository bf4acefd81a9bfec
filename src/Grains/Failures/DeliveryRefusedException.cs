namespace K8sWebhookHandler.Grains.Failures;

/// <summary>
/// A final refusal: the delivery asks for something policy does not allow (a remote, a manifest, an object of
/// another repository, a supersede mode wider than configured). It is recorded <c>rejected</c> with the message on
/// the first attempt, never retried. The one refusal type: git, the manifest reader, the planner and the
/// Kubernetes adapter all throw it.
/// </summary>
public sealed class DeliveryRefusedException(string message, Exception? inner = null) : Exception(message, inner);
