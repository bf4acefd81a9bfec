using System.Net;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>Turns the API server's answers into a delivery's outcome: retry later, or refuse for good.</summary>
internal static class ApiAnswers
{
    /// <summary>
    /// Runs <paramref name="call"/>; an answer that is not success becomes a <see cref="TransientException"/> (the server
    /// is down, overloaded or slow, or the object changed since it was read) or a <see cref="DeliveryRefusedException"/>.
    /// </summary>
    /// <param name="what">How the outcome names the object (<c>Workflow ci/build: </c>), or empty.</param>
    /// <param name="call">The requests.</param>
    /// <param name="onForbidden">Told of a 403 before it is refused, to log the permission that is missing.</param>
    public static async Task<T> OutcomeAsync<T>(string what, Func<Task<T>> call, Action<KubernetesApiException>? onForbidden = null)
    {
        try
        {
            return await call();
        }
        catch (KubernetesApiException e)
        {
            if (e.Status == HttpStatusCode.Forbidden)
            {
                onForbidden?.Invoke(e);
            }

            throw e switch
            {
                { IsTransient: true } => new TransientException(what + e.Message, e),
                { Status: HttpStatusCode.Conflict, Reason: "Conflict" } =>
                    new TransientException($"{what}it changed between being read and being written, so it is read again: {e.ApiMessage}", e),
                { Status: HttpStatusCode.Forbidden } => new DeliveryRefusedException($"{what}the handler's service account may not do this: {e.ApiMessage}"),
                _ => new DeliveryRefusedException($"{what}the API server refused it: {e.ApiMessage}"),
            };
        }
    }

    /// <inheritdoc cref="OutcomeAsync{T}"/>
    public static Task OutcomeAsync(string what, Func<Task> call, Action<KubernetesApiException>? onForbidden = null) => OutcomeAsync(what, async () =>
    {
        await call();
        return true;
    }, onForbidden);
}
