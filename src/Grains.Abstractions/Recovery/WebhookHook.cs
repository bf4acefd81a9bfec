using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Recovery;

/// <summary>Whose webhook a hook is: what lists its deliveries, and with which credentials.</summary>
public enum HookKind
{
    /// <summary>The GitHub App's own webhook: <c>/app/hook/deliveries</c>, with the App's JWT.</summary>
    App,

    /// <summary>A repository's webhook: <c>/repos/{owner}/{repo}/hooks/{id}/deliveries</c>, with the token.</summary>
    Repository,
}

/// <summary>
/// One of GitHub's webhooks that sends to the handler: the App's (<see cref="HookId"/> 0 until GitHub names it) or a
/// repository's, learned from a delivery's <c>X-GitHub-Hook-ID</c> or configured.
/// </summary>
[GenerateSerializer, Immutable, Alias("webhook-hook")]
public sealed record WebhookHook(
    [property: Id(0)] HookKind Kind,
    [property: Id(1)] long HookId,
    [property: Id(2)] RepositoryKey? Repository)
{
    /// <summary>The App's hook: GitHub lists it by the App, not by an id.</summary>
    public static WebhookHook App { get; } = new(HookKind.App, 0, null);

    /// <summary>A name for it, the same in the state, the logs and the API: <c>app</c>, or <c>owner/name#id</c>.</summary>
    public string Name => Kind == HookKind.App ? "app" : $"{Repository?.Value}#{HookId}";
}
