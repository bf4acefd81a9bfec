using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// Keeps each listener to its own endpoints, told apart by the local port the request came in on (never by its
/// <c>Host</c> header, which the caller chooses): the public port answers 404 for everything but its own endpoints,
/// the management port 404 for the webhook and 401 (with <c>WWW-Authenticate: Bearer</c>) without a valid credential
/// when <see cref="ManagementOptions.Tokens"/> are set. Runs after routing, so the matched endpoint's
/// <see cref="ListenerMetadata"/> is known; a path no endpoint matches belongs to the management port (its token first).
/// </summary>
public sealed class ListenerGate(RequestDelegate next, IOptions<ManagementOptions> options, ManagementTokens tokens)
{
    private readonly HashSet<int> _managementPorts = options.Value.UrlList.Select(ListenerUrls.Parse)
        .OfType<BindingAddress>().Select(a => a.Port).ToHashSet();

    public Task InvokeAsync(HttpContext context)
    {
        var listener = context.GetEndpoint()?.Metadata.GetMetadata<ListenerMetadata>()?.Listener ?? Listener.Management;
        var onManagement = _managementPorts.Contains(context.Connection.LocalPort);
        if (listener == Listener.Both)
        {
            return next(context);
        }

        if (onManagement == (listener == Listener.Public))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (onManagement && listener == Listener.Management && !tokens.Admits(context.Request))
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"k8s-webhook-handler management\"";
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "a management token is needed",
                detail: "send one of Handler:Management:Tokens as 'Authorization: Bearer <token>'").ExecuteAsync(context);
        }

        return next(context);
    }
}
