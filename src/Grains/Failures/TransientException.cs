namespace K8sWebhookHandler.Grains.Failures;

/// <summary>
/// A failure that may pass (a git server or the Kubernetes API unreachable, overloaded or slow): the delivery is
/// retried with backoff. The one transient type: git and the Kubernetes adapter both throw it.
/// </summary>
public sealed class TransientException(string message, Exception? inner = null) : Exception(message, inner);
