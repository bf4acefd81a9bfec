using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Abstractions.Diagnostics;

/// <summary>
/// The log scope a delivery's work runs in, at intake and in the repository grain: every line logged inside it carries
/// <c>DeliveryId</c> and <c>Repository</c> as structured values (and, with the console's <c>IncludeScopes</c>, as
/// <c>=&gt; delivery {DeliveryId} of {Repository}</c>).
/// </summary>
public static class DeliveryLogScope
{
    private static readonly Func<ILogger, string, string, IDisposable?> Scope =
        LoggerMessage.DefineScope<string, string>("delivery {DeliveryId} of {Repository}");

    /// <summary>Begins the scope of <paramref name="delivery"/> of <paramref name="repository"/>; dispose it when the work ends.</summary>
    public static IDisposable? BeginDeliveryScope(this ILogger logger, string delivery, string repository) => Scope(logger, delivery, repository);
}
