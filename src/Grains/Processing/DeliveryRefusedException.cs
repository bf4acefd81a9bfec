namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// A final refusal: the delivery asks for something policy does not allow (a remote, a manifest, an object of
/// another repository). It is recorded <c>rejected</c> with the message on the first attempt, never retried.
/// </summary>
public abstract class DeliveryRefusedException(string message, Exception? inner = null) : Exception(message, inner);
