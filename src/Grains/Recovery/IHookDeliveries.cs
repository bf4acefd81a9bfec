using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>One attempt GitHub recorded of a delivery: the first, or a redelivery (same <see cref="Guid"/>, new <see cref="Id"/>).</summary>
public sealed record HookAttempt(long Id, string Guid, DateTimeOffset DeliveredAt, bool Redelivery, int StatusCode, string Event)
{
    /// <summary>Whether the receiver answered 2xx: GitHub counts nothing else as delivered.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>A page of a hook's attempts, newest first, and the cursor of the next page while there is one.</summary>
public sealed record HookAttemptPage(IReadOnlyList<HookAttempt> Attempts, string? Next);

/// <summary>GitHub knows no such hook (deleted, or named by a delivery that lied), or will not show it to these credentials.</summary>
public sealed class HookGoneException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What GitHub records of a webhook's deliveries: list them a page at a time, read which repository one was about, and
/// ask for one to be sent again. Throws <see cref="Failures.TransientException"/> (with <c>NotBefore</c> under a rate
/// limit) when worth trying later, <see cref="HookGoneException"/> for a hook GitHub does not know, and
/// <see cref="Failures.DeliveryRefusedException"/> when GitHub refuses otherwise.
/// </summary>
public interface IHookDeliveries
{
    /// <summary>Why hooks of <paramref name="kind"/> cannot be listed with what is configured, or null when they can.</summary>
    string? Unavailable(HookKind kind);

    /// <summary>One page of the hook's attempts, newest first, after <paramref name="cursor"/> (from the newest when null).</summary>
    Task<HookAttemptPage> ListAsync(WebhookHook hook, string? cursor, CancellationToken cancellationToken);

    /// <summary>The <c>repository.full_name</c> of the attempt's payload, or null when it names none.</summary>
    Task<string?> RepositoryOfAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken);

    /// <summary>Asks GitHub to send the attempt's delivery again, with its original GUID.</summary>
    Task RedeliverAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken);
}
